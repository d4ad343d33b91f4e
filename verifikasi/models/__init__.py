"""Verifikasi komitmen, suspension proposals, graduasi, Sekolah Rakyat (DOMAIN.md §4, §5, §9).

These models moved here from kpm (issue 13) without touching the database: each keeps its
table (`Meta.db_table = "kpm_…"`), constraint and index names, so an existing deployment
keeps every row (kpm/migrations/0008 and verifikasi/migrations/0001 move only Django's state).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from dinsos.models import User
from dinsos.pemrosesan import (
    AKSES_KANTOR,
    ANAK,
    KESEHATAN,
    KEUANGAN,
    PENERIMA_KEMENSOS,
    DasarHukum,
    Pemrosesan,
)
from kpm.models import Anggota, Keluarga, Komponen
from verifikasi.models.ringkasan import BarisSekolahRakyat as BarisSekolahRakyat
from verifikasi.models.ringkasan import RingkasanSekolahRakyat as RingkasanSekolahRakyat

# DOMAIN.md §4: education is checked per school-age child, health per ibu hamil, anak usia
# dini, lansia and disabilitas berat. Korban HAM carries no commitment.
KOMPONEN_PENDIDIKAN: tuple[str, ...] = (Komponen.ANAK_SD, Komponen.ANAK_SMP, Komponen.ANAK_SMA)
KOMPONEN_KESEHATAN: tuple[str, ...] = (
    Komponen.IBU_HAMIL,
    Komponen.ANAK_USIA_DINI,
    Komponen.LANSIA,
    Komponen.DISABILITAS_BERAT,
)
KOMPONEN_KOMITMEN: tuple[str, ...] = KOMPONEN_PENDIDIKAN + KOMPONEN_KESEHATAN


class Komitmen(models.Model):
    """One member's compliance with one component's commitment in one month (DOMAIN.md §4)."""

    class Status(models.TextChoices):
        PATUH = "patuh", "Patuh"
        TIDAK_PATUH = "tidak_patuh", "Tidak patuh"
        TIDAK_DAPAT_DIVERIFIKASI = "tidak_diverifikasi", "Tidak dapat diverifikasi"

    class Sumber(models.TextChoices):
        MANUAL = "manual", "Dicatat pendamping"
        EPKH = "epkh", "Impor e-PKH"

    anggota = models.ForeignKey(Anggota, on_delete=models.PROTECT, related_name="komitmen")
    # Copied from the member when recorded: the rules and the area scope group by family
    # without joining 40.000 members (bench/komitmen.py).
    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="komitmen")
    komponen = models.CharField(max_length=20, choices=Komponen)
    bulan = models.DateField(help_text="Hari pertama bulan yang diverifikasi.")
    status = models.CharField(max_length=20, choices=Status)
    # Education (DOMAIN.md §4): attendance as a percentage of effective school days. When it
    # is recorded, the rules compare it with the threshold in force for that month.
    persen_kehadiran = models.DecimalField(
        "persen kehadiran", max_digits=5, decimal_places=2, null=True, blank=True
    )
    hari_efektif = models.PositiveSmallIntegerField("jumlah hari efektif", null=True, blank=True)
    alpa = models.PositiveSmallIntegerField(null=True, blank=True)
    izin = models.PositiveSmallIntegerField(null=True, blank=True)
    sakit = models.PositiveSmallIntegerField(null=True, blank=True)
    npsn = models.CharField("NPSN sekolah", max_length=8, blank=True)
    catatan = models.TextField(blank=True)
    sumber = models.CharField(max_length=10, choices=Sumber, default=Sumber.MANUAL)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Verifikasi komitmen pendidikan dan kesehatan tiap bulan (DOMAIN.md §4).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("anggota", "keluarga", "komponen", "bulan", "status", "persen_kehadiran", "npsn"),
        spesifik={"komponen": KESEHATAN, "persen_kehadiran": ANAK, "npsn": ANAK},
        penerima=(PENERIMA_KEMENSOS,),
    )

    class Meta:
        db_table = "kpm_komitmen"  # kept from kpm (issue 13): no table moves
        ordering = ["-bulan", "keluarga_id", "anggota_id", "komponen"]
        verbose_name_plural = "komitmen"
        constraints = [
            models.UniqueConstraint(
                fields=["anggota", "komponen", "bulan"], name="komitmen_anggota_komponen_bulan"
            ),
            models.CheckConstraint(condition=Q(bulan__day=1), name="komitmen_bulan_hari_1"),
            models.CheckConstraint(
                condition=Q(persen_kehadiran__isnull=True)
                | Q(persen_kehadiran__gte=0, persen_kehadiran__lte=100),
                name="komitmen_persen_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["keluarga", "bulan"], name="komitmen_keluarga_bulan"),
            # Covering (issue 19): the rakor report counts a month's records by component and
            # status for the families of an area from this index alone, never the table
            # (bench/laporan.py, 2,1 million records: 300 → 110 ms, 34.000 → 2.500 pages).
            models.Index(
                fields=["bulan", "status"],
                include=["komponen", "keluarga"],
                name="komitmen_bulan_status_isi",
            ),
            models.Index(fields=["recorded_by", "created_at"], name="komitmen_pencatat"),
        ]

    def __str__(self) -> str:
        return f"{self.get_komponen_display()} {self.bulan:%m/%Y}: {self.get_status_display()}"


class UnggahanEpkh(models.Model):
    """An e-PKH file kept on the server between its preview and its confirmation.

    Issue 22: the preview used to carry the whole file, full NIKs included, in a hidden
    field. The page now carries only this row's id; only the uploader may confirm it
    (verifikasi.access.access_unggahan_epkh), and it is deleted once confirmed or, by the hourly
    cleanup, once older than UnggahanEpkh.BERLAKU.
    """

    BERLAKU = datetime.timedelta(hours=1)  # a preview may be confirmed within an hour

    diunggah_oleh = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField(help_text="Tahun bila judul berkas tidak memuatnya.")
    isi = models.BinaryField(help_text="Isi berkas CSV (paling besar 1 MB, importers/epkh.py).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "kpm_unggahanepkh"  # kept from kpm (issue 13): no table moves
        ordering = ["created_at"]
        verbose_name = "unggahan e-PKH"
        verbose_name_plural = "unggahan e-PKH"
        indexes = [models.Index(fields=["created_at"], name="unggahan_epkh_created")]

    def __str__(self) -> str:
        return f"Unggahan e-PKH #{self.pk}"

    @property
    def berlaku_sampai(self) -> datetime.datetime:
        return self.created_at + self.BERLAKU


class Usulan(models.Model):
    """A proposal the system makes to the office (DOMAIN.md §4: "the system proposes and
    explains, the office decides"), with the months, meetings and figures behind it.

    One row per family, kind and run (`kunci`): re-evaluating the same period refreshes an
    open proposal and never reopens a decided one.
    """

    class Jenis(models.TextChoices):
        KOMITMEN = "komitmen", "Tidak patuh komitmen berturut-turut"
        P2K2_ALFA = "p2k2_alfa", "Alfa P2K2 berturut-turut"

    class Status(models.TextChoices):
        DIUSULKAN = "diusulkan", "Diusulkan"
        DITERIMA = "diterima", "Diterima"
        DITOLAK = "ditolak", "Ditolak"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="usulan")
    # Sources registered on the pelanggaran_komitmen hook may add kinds; unknown ones show
    # their code.
    jenis = models.CharField(max_length=30, choices=Jenis)
    kunci = models.CharField(max_length=64, help_text="Awal runtun (bulan atau pertemuan).")
    tindakan = models.CharField(
        max_length=15, choices=Keluarga.Status, default=Keluarga.Status.DITANGGUHKAN
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DIUSULKAN)
    alasan = models.JSONField(help_text="Bulan, pertemuan dan angka di balik usulan.")
    ringkasan = models.TextField(help_text="Penjelasan usulan dalam satu paragraf.")
    periode_awal = models.DateField()
    periode_akhir = models.DateField()
    diputuskan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_at = models.DateTimeField(null=True, blank=True)
    catatan_keputusan = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Usulan penangguhan dari komitmen yang tidak dipenuhi (DOMAIN.md §4).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "jenis", "alasan", "ringkasan"),
        subjek="Keluarga penerima manfaat (KPM)",
        akses=AKSES_KANTOR,
    )

    class Meta:
        db_table = "kpm_usulan"  # kept from kpm (issue 13): no table moves
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "usulan"
        constraints = [
            models.UniqueConstraint(
                fields=["keluarga", "jenis", "kunci"], name="usulan_keluarga_jenis_kunci"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="usulan_status")]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} — {self.keluarga}"


class Graduasi(models.Model):
    """One family's exit from PKH (DOMAIN.md §5): aktif → calon graduasi → graduasi."""

    class Jenis(models.TextChoices):
        MANDIRI = "mandiri", "Graduasi mandiri"
        ALAMIAH = "alamiah", "Graduasi alamiah"
        PAKSA = "paksa", "Graduasi paksa"

    class Status(models.TextChoices):
        DIUSULKAN = "diusulkan", "Calon graduasi"
        DITERIMA = "diterima", "Graduasi"
        DITOLAK = "ditolak", "Ditolak"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="graduasi")
    # The pendamping when proposed: graduations count towards their yearly target.
    pendamping = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    jenis = models.CharField(max_length=10, choices=Jenis)
    status = models.CharField(max_length=10, choices=Status, default=Status.DIUSULKAN)
    alasan = models.TextField()
    # DOMAIN.md §5: mandiri carries the signed statement, paksa the village letter. Served
    # only through a view that checks access (never from a public media URL).
    # verifikasi.services names the file (a random name: the uploaded one may carry a person's
    # name). Files stay under kpm/ where they were stored before issue 13 moved the model.
    bukti = models.FileField(upload_to="kpm/graduasi/%Y/", blank=True)
    bukti_tipe = models.CharField(max_length=30, blank=True)
    tanggal_usulan = models.DateField()
    tanggal_graduasi = models.DateField(null=True, blank=True)
    nomor_surat = models.CharField(max_length=50, blank=True)
    diusulkan_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    diputuskan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_at = models.DateTimeField(null=True, blank=True)
    catatan_keputusan = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Graduasi keluarga dengan jenis dan buktinya (DOMAIN.md §5).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "jenis", "alasan", "bukti", "nomor_surat"),
        spesifik={"bukti": KEUANGAN},
        subjek="Keluarga penerima manfaat (KPM)",
        penerima=(PENERIMA_KEMENSOS,),
    )

    class Meta:
        db_table = "kpm_graduasi"  # kept from kpm (issue 13): no table moves
        ordering = ["-tanggal_usulan", "-id"]
        verbose_name_plural = "graduasi"
        constraints = [
            models.UniqueConstraint(
                fields=["keluarga"],
                condition=Q(status="diusulkan"),
                name="graduasi_satu_usulan_terbuka",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "tanggal_graduasi"], name="graduasi_status_tanggal"),
            models.Index(fields=["pendamping", "tanggal_graduasi"], name="graduasi_pendamping"),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} — {self.keluarga}"


class KandidatSekolahRakyat(models.Model):
    """A child confirmed (or not) as a Sekolah Rakyat candidate by a home visit (DOMAIN.md §9).

    The candidate list itself is computed from desil and age; a row exists once the
    pendamping has recorded the visit for that school year.
    """

    class Jenjang(models.TextChoices):
        SD = "sd", "SD"
        SMP = "smp", "SMP"
        SMA = "sma", "SMA"

    class Status(models.TextChoices):
        DIKONFIRMASI = "dikonfirmasi", "Dikonfirmasi, orang tua setuju"
        TIDAK_SETUJU = "tidak_setuju", "Orang tua tidak setuju"
        TIDAK_DITEMUI = "tidak_ditemui", "Keluarga tidak ditemui"

    anggota = models.ForeignKey(Anggota, on_delete=models.PROTECT, related_name="sekolah_rakyat")
    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="+")
    tahun_ajaran = models.PositiveSmallIntegerField(help_text="Tahun masuk (Juli).")
    tanggal_acuan = models.DateField("umur per tanggal")
    jenjang = models.CharField(max_length=3, choices=Jenjang)
    umur = models.PositiveSmallIntegerField()
    # DOMAIN.md §3: a desil belongs to a snapshot date; the one in force when visited.
    desil = models.PositiveSmallIntegerField()
    desil_per = models.DateField(null=True, blank=True)
    is_cadangan = models.BooleanField("cadangan (desil 3)", default=False)
    tanggal_kunjungan = models.DateField(null=True, blank=True)
    is_persetujuan_ortu = models.BooleanField("orang tua setuju", default=False)
    status = models.CharField(max_length=15, choices=Status)
    catatan = models.TextField(blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Penjaringan calon siswa Sekolah Rakyat (DOMAIN.md §9).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("anggota", "keluarga", "jenjang", "umur", "desil", "catatan"),
        spesifik={"umur": ANAK, "jenjang": ANAK, "desil": KEUANGAN},
        subjek="Anak dari keluarga penerima manfaat",
        penerima=("Sekolah Rakyat / Kementerian Sosial",),
    )

    class Meta:
        db_table = "kpm_kandidatsekolahrakyat"  # kept from kpm (issue 13): no table moves
        ordering = ["-tahun_ajaran", "keluarga_id", "anggota_id"]
        verbose_name = "kandidat Sekolah Rakyat"
        verbose_name_plural = "kandidat Sekolah Rakyat"
        constraints = [
            models.UniqueConstraint(
                fields=["anggota", "tahun_ajaran"], name="sekolah_rakyat_anggota_tahun"
            ),
            models.CheckConstraint(
                condition=~Q(status="dikonfirmasi")
                | Q(is_persetujuan_ortu=True, tanggal_kunjungan__isnull=False),
                name="sekolah_rakyat_konfirmasi_ada_persetujuan",
            ),
        ]

    def __str__(self) -> str:
        return f"Sekolah Rakyat {self.tahun_ajaran}: {self.anggota}"


# --- Sekolah Rakyat quota per intake (issue 20, D5) ----------------------------------------
class KuotaSekolahRakyat(models.Model):
    """Seats of one Sekolah Rakyat intake (tahun ajaran + jenjang), edited by the admin.

    DOMAIN.md §3: desil 3 is a reserve only "when the quota is not filled"; DOMAIN gives no
    number, the office receives it per intake. A table rather than a dated setting: a
    setting holds one value per key over time, while a quota is one figure per school year
    and level that the admin fills in ahead of each intake (and the past ones stay readable).
    """

    tahun_ajaran = models.PositiveSmallIntegerField(
        "tahun ajaran", help_text="Tahun mulai tahun ajaran (umur dihitung per 1 Juli tahun ini)."
    )
    jenjang = models.CharField(max_length=3, choices=KandidatSekolahRakyat.Jenjang)
    jumlah_kursi = models.PositiveIntegerField("jumlah kursi")
    keterangan = models.CharField(max_length=200, blank=True, help_text="Mis. nomor surat kuota.")
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        ordering = ["-tahun_ajaran", "jenjang"]
        verbose_name = "kuota Sekolah Rakyat"
        verbose_name_plural = "kuota Sekolah Rakyat"
        constraints = [
            models.UniqueConstraint(
                fields=["tahun_ajaran", "jenjang"], name="kuota_sekolah_rakyat_satu_per_jenjang"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Kuota Sekolah Rakyat {self.tahun_ajaran} {self.get_jenjang_display()}: "
            f"{self.jumlah_kursi} kursi"
        )


class GraduasiTanpaProses(models.Model):
    """A family found at calon graduasi/graduasi with no graduasi record (issue 20, D2): it
    left the pipeline of DOMAIN.md §5 (no kind, no evidence, no count toward the pendamping's
    target). Listed for the office to complete; nothing about the family is changed or deleted.
    Filled by the data migration `0004_laporan_graduasi_tanpa_proses`."""

    keluarga = models.OneToOneField(Keluarga, on_delete=models.PROTECT, related_name="+")
    status_ditemukan = models.CharField(max_length=14, choices=Keluarga.Status)
    graduasi = models.OneToOneField(
        Graduasi, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dilengkapi_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dilengkapi_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Daftar kerja melengkapi graduasi yang tercatat di luar alur (DOMAIN.md §5).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "status_ditemukan"),
        subjek="Keluarga penerima manfaat (KPM)",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "graduasi di luar alur (lengkapi)"
        verbose_name_plural = "graduasi di luar alur (lengkapi)"

    def __str__(self) -> str:
        return f"Lengkapi graduasi — {self.keluarga}"
