"""Issue 20: `Pendamping.jenis` becomes a foreign key to the kinds' code; cases, referrals and
visits may be for a PMKS client instead of a family; a referral keeps the receiving
institution's answer letter.

The `jenis` column keeps its name and its codes ("pkh", "rehsos"…): every stored code was
seeded as a kind by 0005, so no row is lost; the column only widens and gains the key.
"""

import django.db.models.deletion
import pendamping.models.catatan
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('kpm', '0008_pindah_ke_verifikasi'),
        ('pendamping', '0005_psks_seed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="pendamping",
            name="jenis",
            field=models.ForeignKey(
                db_column="jenis",
                default="pkh",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pendamping",
                to="pendamping.jenispsks",
                to_field="kode",
                verbose_name="jenis",
            ),
        ),
        migrations.AddField(
            model_name='kasus',
            name='klien',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='kasus', to='pendamping.klienpmks', verbose_name='klien PMKS'),
        ),
        migrations.AddField(
            model_name='kunjungan',
            name='klien',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='kunjungan', to='pendamping.klienpmks', verbose_name='klien PMKS'),
        ),
        migrations.AddField(
            model_name='rujukan',
            name='dokumen_jawaban',
            field=models.FileField(blank=True, max_length=200, upload_to=pendamping.models.catatan._jawaban_path, verbose_name='surat jawaban'),
        ),
        migrations.AddField(
            model_name='rujukan',
            name='klien',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rujukan', to='pendamping.klienpmks', verbose_name='klien PMKS'),
        ),
        migrations.AddField(
            model_name='rujukan',
            name='tipe_dokumen',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='kasus',
            name='keluarga',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='kasus', to='kpm.keluarga'),
        ),
        migrations.AlterField(
            model_name='kunjungan',
            name='keluarga',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='kunjungan', to='kpm.keluarga'),
        ),
        migrations.AlterField(
            model_name='rujukan',
            name='keluarga',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rujukan', to='kpm.keluarga'),
        ),
        migrations.AlterField(
            model_name='rujukan',
            name='tanggal_selesai',
            field=models.DateField(blank=True, null=True, verbose_name='tanggal jawaban'),
        ),
        migrations.AddIndex(
            model_name='kasus',
            index=models.Index(fields=['klien', '-tanggal_lapor'], name='kasus_klien_lapor'),
        ),
        migrations.AddIndex(
            model_name='kunjungan',
            index=models.Index(fields=['klien', 'tanggal'], name='kunjungan_klien_tanggal'),
        ),
        migrations.AddIndex(
            model_name='rujukan',
            index=models.Index(fields=['klien', '-tanggal_kirim'], name='rujukan_klien_kirim'),
        ),
        migrations.AddIndex(
            model_name='rujukan',
            index=models.Index(condition=models.Q(('status', 'dikirim')), fields=['tanggal_kirim'], name='rujukan_menunggu_jawaban'),
        ),
        migrations.AddConstraint(
            model_name='kasus',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('keluarga__isnull', False), ('klien__isnull', True)), models.Q(('keluarga__isnull', True), ('klien__isnull', False)), _connector='OR'), name='kasus_keluarga_atau_klien'),
        ),
        migrations.AddConstraint(
            model_name='kunjungan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('keluarga__isnull', False), ('klien__isnull', True)), models.Q(('keluarga__isnull', True), ('klien__isnull', False)), _connector='OR'), name='kunjungan_keluarga_atau_klien'),
        ),
        migrations.AddConstraint(
            model_name='rujukan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('keluarga__isnull', False), ('klien__isnull', True)), models.Q(('keluarga__isnull', True), ('klien__isnull', False)), _connector='OR'), name='rujukan_keluarga_atau_klien'),
        ),
    ]
