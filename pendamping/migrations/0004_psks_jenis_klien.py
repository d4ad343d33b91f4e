"""Issue 20: the PSKS kinds and PMKS categories as tables, and the register of PMKS clients."""

import dinsos.identity
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dinsos', '0001_initial'),
        ('pendamping', '0003_rhk_laporan_arahan_sosialisasi_kepuasan'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='JenisPsks',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kode', models.SlugField(max_length=20, unique=True, verbose_name='kode')),
                ('nama', models.CharField(max_length=100, verbose_name='nama')),
                ('batas_beban', models.PositiveIntegerField(blank=True, help_text='Keluarga/klien paling banyak per orang. Kosongkan untuk memakai pengaturan pendamping_batas_keluarga (DOMAIN.md §11: 350, 150 di wilayah sulit).', null=True, verbose_name='batas beban')),
                ('is_ikut_keluarga', models.BooleanField(default=False, help_text='Ya: diberi keluarga KPM lewat penugasan. Tidak: melayani klien PMKS.', verbose_name='mendampingi keluarga KPM')),
                ('is_aktif', models.BooleanField(default=True, verbose_name='aktif')),
                ('urutan', models.PositiveSmallIntegerField(default=0, verbose_name='urutan')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'jenis PSKS',
                'verbose_name_plural': 'jenis PSKS',
                'ordering': ['urutan', 'nama'],
            },
        ),
        migrations.CreateModel(
            name='KategoriPmks',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kode', models.SlugField(max_length=40, unique=True, verbose_name='kode')),
                ('nama', models.CharField(max_length=120, verbose_name='nama')),
                ('is_aktif', models.BooleanField(default=True, verbose_name='aktif')),
                ('urutan', models.PositiveSmallIntegerField(default=0, verbose_name='urutan')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'kategori PMKS',
                'verbose_name_plural': 'kategori PMKS',
                'ordering': ['urutan', 'nama'],
            },
        ),
        migrations.CreateModel(
            name='KlienPmks',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('nama', models.CharField(max_length=100, verbose_name='nama')),
                ('nik', models.CharField(blank=True, default='', help_text='Boleh kosong bila belum punya NIK (mis. anak jalanan, gelandangan).', max_length=16, validators=[dinsos.identity.validate_nik], verbose_name='NIK')),
                ('jenis_kelamin', models.CharField(choices=[('L', 'Laki-laki'), ('P', 'Perempuan')], max_length=1, verbose_name='jenis kelamin')),
                ('tanggal_lahir', models.DateField(blank=True, null=True, verbose_name='tanggal lahir')),
                ('alamat', models.CharField(blank=True, max_length=200, verbose_name='alamat')),
                ('keterangan', models.TextField(blank=True, max_length=2000, verbose_name='keterangan')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('dicatat_oleh', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('kategori', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='klien', to='pendamping.kategoripmks', verbose_name='kategori PMKS')),
                ('kelurahan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dinsos.wilayah', verbose_name='kelurahan')),
                ('pendamping', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='klien', to='pendamping.pendamping', verbose_name='petugas yang menangani')),
            ],
            options={
                'verbose_name': 'klien PMKS',
                'verbose_name_plural': 'klien PMKS',
                'ordering': ['nama', 'id'],
                'indexes': [models.Index(fields=['kelurahan', 'nama'], name='klien_pmks_kel_nama'), models.Index(fields=['pendamping', 'nama'], name='klien_pmks_pdp_nama')],
                'constraints': [models.CheckConstraint(condition=models.Q(('nik', ''), ('nik__regex', '^\\d{16}$'), _connector='OR'), name='klien_pmks_nik_16'), models.UniqueConstraint(condition=models.Q(('nik', ''), _negated=True), fields=('nik',), name='klien_pmks_nik_unik')],
            },
        ),
    ]
