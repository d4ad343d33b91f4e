"""The monthly DTSEN update cycle (issue 17): proposals and objections sent to SIKS-NG.

An `Usulan` is one proposal about one person (or their family) for one month's batch: a new
family for DTSEN, a data correction, a re-survey, a deactivation, a PBI-JK reactivation, or
an objection (sanggahan) to a desil or an exclusion. It moves draf → diajukan → diverifikasi
→ cek lapangan → disetujui/ditolak → dikirim (in a frozen monthly `BatchSiks`) → diterima /
belum tercermin / ditolak oleh pusat, decided by the next applied snapshot
(pemutakhiran/services/pencocokan.py). Every step is a `Riwayat` row and an audit event.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q

from dinsos.formatting import bulan_tahun, mask_identifiers, mask_nik
from dinsos.identity import validate_nik
from dinsos.models import User, Wilayah
from dinsos.pemrosesan import (
    AKSES_KANTOR,
    KESEHATAN,
    KEUANGAN,
    PENERIMA_KEMENSOS,
    DasarHukum,
    Pemrosesan,
)
from dinsos.uploads import stored_extension

NIK_PATTERN = r"^\d{16}$"  # DOMAIN.md §8: a NIK and a No KK are 16 digits
BERKAS_MAKS = 200


class Jenis(models.TextChoices):
    USULAN_BARU = "usulan_baru", "Usulan baru"
    PERBAIKAN_DATA = "perbaikan_data", "Perbaikan data"
    KONDISI = "kondisi", "Pemutakhiran kondisi"
    PENONAKTIFAN = "penonaktifan", "Penonaktifan"
    REAKTIVASI_PBIJK = "reaktivasi_pbijk", "Reaktivasi PBI-JK"
    SANGGAHAN = "sanggahan", "Sanggahan"


class Status(models.TextChoices):
    DRAF = "draf", "Draf"
    DIAJUKAN = "diajukan", "Diajukan"
    DIVERIFIKASI = "diverifikasi", "Diverifikasi dinsos"
    CEK_LAPANGAN = "cek_lapangan", "Cek lapangan"
    DISETUJUI = "disetujui", "Disetujui"
    DITOLAK = "ditolak", "Ditolak"
    DIKIRIM = "dikirim", "Dikirim ke SIKS-NG"
    BELUM_TERCERMIN = "belum_tercermin", "Belum tercermin di DTSEN"
    DITERIMA = "diterima", "Diterima (tercermin di DTSEN)"
    DITOLAK_PUSAT = "ditolak_pusat", "Ditolak oleh pusat"


SELESAI = frozenset({Status.DITOLAK, Status.DITERIMA, Status.DITOLAK_PUSAT})
TERBUKA = frozenset(set(Status) - SELESAI)
# Sent and waiting for a snapshot to show the change.
TERKIRIM = frozenset({Status.DIKIRIM, Status.BELUM_TERCERMIN})


class BatchSiks(models.Model):
    """One month's SIKS-NG list of one kind: frozen once exported (its file is kept, and a
    second export serves the same file)."""

    bulan = models.DateField(help_text="Bulan kiriman (tanggal 1).")
    jenis = models.CharField(max_length=20, choices=Jenis)
    file = models.FileField(upload_to="pemutakhiran/batch/", max_length=BERKAS_MAKS)
    sha256 = models.CharField(max_length=64)
    jumlah_baris = models.PositiveIntegerField()
    jumlah_ditahan = models.PositiveIntegerField(default=0)
    dibuat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-bulan", "jenis"]
        verbose_name = "kiriman SIKS-NG"
        verbose_name_plural = "kiriman SIKS-NG"
        constraints = [
            models.UniqueConstraint(fields=["bulan", "jenis"], name="batch_siks_satu_per_bulan"),
            models.CheckConstraint(condition=Q(bulan__day=1), name="batch_siks_bulan_awal"),
        ]

    def __str__(self) -> str:
        return f"SIKS-NG {self.get_jenis_display()} {bulan_tahun(self.bulan)}"


class Usulan(models.Model):
    """One proposal or objection about one person (or their family) for one month's batch."""

    Jenis = Jenis
    Status = Status

    class Sumber(models.TextChoices):
        KELURAHAN = "kelurahan", "Operator kelurahan/desa"
        PENDAMPING = "pendamping", "Pendamping"
        KANTOR = "kantor", "Petugas dinsos"
        TEMUAN = "temuan", "Temuan rekonsiliasi"
        PENGADUAN = "pengaduan", "Pengaduan"

    class AlasanNonaktif(models.TextChoices):
        MENINGGAL = "meninggal", "Meninggal"
        PINDAH = "pindah", "Pindah"
        MAMPU = "mampu", "Sudah mampu"
        GANDA = "ganda", "Data ganda"
        MENOLAK = "menolak", "Menolak bantuan"

    class DataDiperbaiki(models.TextChoices):
        NIK = "nik", "NIK"
        NO_KK = "no_kk", "No KK"
        NAMA = "nama", "Nama"
        TANGGAL_LAHIR = "tanggal_lahir", "Tanggal lahir"
        ALAMAT = "alamat", "Alamat"

    class HasilLapangan(models.TextChoices):
        SESUAI = "sesuai", "Sesuai, layak diusulkan"
        TIDAK_SESUAI = "tidak_sesuai", "Tidak sesuai"

    jenis = models.CharField(max_length=20, choices=Jenis)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAF)
    sumber = models.CharField(max_length=12, choices=Sumber)
    # The SIKS-NG batch month (first day): where the proposal goes if approved in time.
    bulan = models.DateField("bulan kiriman")
    # The person (for a family's proposal: the head or the person named by the kelurahan).
    nik = models.CharField("NIK", max_length=16, validators=[validate_nik])
    no_kk = models.CharField("No KK", max_length=16, blank=True)
    nama = models.CharField(max_length=100)
    tanggal_lahir = models.DateField(null=True, blank=True)
    jenis_kelamin = models.CharField(max_length=1, blank=True)
    alamat = models.CharField(max_length=200, blank=True)
    kelurahan = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    kecamatan = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    keluarga = models.ForeignKey(
        "kpm.Keluarga", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anggota = models.ForeignKey(
        "kpm.Anggota", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    temuan = models.ForeignKey(
        "dtsen.Temuan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tiket_pengaduan = models.CharField("nomor tiket pengaduan", max_length=10, blank=True)
    # What each kind needs (pemutakhiran/syarat.py says which).
    alasan_nonaktif = models.CharField(max_length=10, choices=AlasanNonaktif, blank=True)
    nomor_akta_kematian = models.CharField("nomor akta kematian", max_length=50, blank=True)
    no_kk_baru = models.CharField("No KK baru", max_length=16, blank=True)
    nik_ganda = models.CharField("NIK data ganda yang tetap", max_length=16, blank=True)
    data_diperbaiki = models.CharField(max_length=15, choices=DataDiperbaiki, blank=True)
    nilai_lama = models.CharField("data tercatat", max_length=200, blank=True)
    nilai_baru = models.CharField("data yang benar", max_length=200, blank=True)
    nomor_surat_faskes = models.CharField("nomor surat faskes", max_length=50, blank=True)
    desil_disanggah = models.PositiveSmallIntegerField(
        "desil yang disanggah", null=True, blank=True
    )
    keterangan = models.TextField(max_length=2000, blank=True)
    # The process.
    tanggal_musdes = models.DateField("tanggal Musdes/Muskel", null=True, blank=True)
    nomor_berita_acara = models.CharField(max_length=50, blank=True)
    dibuat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    diajukan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diajukan_at = models.DateTimeField(null=True, blank=True)
    diverifikasi_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diverifikasi_at = models.DateTimeField(null=True, blank=True)
    petugas_lapangan = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": User.Role.PENDAMPING},
    )
    hasil_lapangan = models.CharField(max_length=12, choices=HasilLapangan, blank=True)
    catatan_lapangan = models.TextField(max_length=2000, blank=True)
    diputuskan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_at = models.DateTimeField(null=True, blank=True)
    alasan_tolak = models.TextField(max_length=2000, blank=True)
    batch = models.ForeignKey(
        BatchSiks, on_delete=models.PROTECT, null=True, blank=True, related_name="usulan"
    )
    # The outcome, written by the snapshot that follows the batch.
    desil_awal = models.PositiveSmallIntegerField(null=True, blank=True)
    desil_hasil = models.PositiveSmallIntegerField(null=True, blank=True)
    bulan_tunggu = models.PositiveSmallIntegerField(default=0)
    snapshot_hasil = models.ForeignKey(
        "dtsen.Snapshot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tanggal_hasil = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Usulan dan sanggahan bulanan ke SIKS-NG (pemutakhiran DTSEN).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=(
            "nik",
            "no_kk",
            "nama",
            "tanggal_lahir",
            "jenis_kelamin",
            "alamat",
            "nomor_akta_kematian",
            "keterangan",
        ),
        spesifik={"nomor_surat_faskes": KESEHATAN, "desil_disanggah": KEUANGAN},
        subjek="KPM dan penduduk yang diusulkan",
        akses=AKSES_KANTOR,
        penerima=(PENERIMA_KEMENSOS,),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "usulan"
        constraints = [
            # The duplicate guard: one open proposal of a kind per person (issue 17).
            models.UniqueConstraint(
                fields=["nik", "jenis"],
                condition=Q(status__in=sorted(TERBUKA)),
                name="usulan_satu_terbuka_per_orang",
            ),
            models.CheckConstraint(condition=Q(nik__regex=NIK_PATTERN), name="usulan_nik_16"),
            models.CheckConstraint(condition=Q(bulan__day=1), name="usulan_bulan_awal"),
            # Four eyes: whoever proposed never approves (a proposer may withdraw: ditolak).
            models.CheckConstraint(
                condition=Q(diputuskan_oleh__isnull=True)
                | Q(status="ditolak")
                | (~Q(diputuskan_oleh=F("dibuat_oleh")) & ~Q(diputuskan_oleh=F("diajukan_oleh"))),
                name="usulan_empat_mata",
            ),
            models.CheckConstraint(
                condition=~Q(status="ditolak") | ~Q(alasan_tolak=""),
                name="usulan_tolak_ada_alasan",
            ),
            models.CheckConstraint(
                condition=Q(batch__isnull=True)
                | Q(status__in=["dikirim", "belum_tercermin", "diterima", "ditolak_pusat"]),
                name="usulan_batch_saat_dikirim",
            ),
        ]
        indexes = [
            # The snapshot matching reads the sent proposals of an area.
            models.Index(
                fields=["kelurahan", "jenis"],
                condition=Q(status__in=sorted(TERKIRIM)),
                name="usulan_terkirim",
            ),
            models.Index(fields=["kelurahan", "bulan"], name="usulan_kelurahan_bulan"),
            models.Index(fields=["status", "bulan"], name="usulan_status_bulan"),
            models.Index(fields=["temuan"], name="usulan_temuan"),
            models.Index(fields=["petugas_lapangan", "status"], name="usulan_petugas"),
        ]

    def __str__(self) -> str:
        return f"Usulan #{self.pk} {self.get_jenis_display()}, NIK {mask_nik(self.nik)}"

    @property
    def is_terbuka(self) -> bool:
        return self.status in TERBUKA

    @property
    def is_terkirim(self) -> bool:
        return self.status in TERKIRIM

    @property
    def judul(self) -> str:
        """The kind as the office says it, with the reason of a deactivation."""
        if self.alasan_nonaktif:
            return f"{self.get_jenis_display()} ({self.get_alasan_nonaktif_display().lower()})"
        return self.get_jenis_display()


class Riwayat(models.Model):
    """One step of a proposal: who moved it from which status to which, and why."""

    usulan = models.ForeignKey(Usulan, on_delete=models.CASCADE, related_name="riwayat")
    dari = models.CharField(max_length=20, choices=Status, blank=True)
    ke = models.CharField(max_length=20, choices=Status)
    catatan = models.TextField(max_length=2000, blank=True)
    oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "riwayat usulan"
        verbose_name_plural = "riwayat usulan"
        indexes = [models.Index(fields=["usulan", "created_at"], name="riwayat_usulan")]

    def __str__(self) -> str:
        return f"{self.get_dari_display() or 'baru'} → {self.get_ke_display()}"


def _bukti_path(instance: Bukti, filename: str) -> str:
    # Unguessable, served only through an access-checked view; the extension is never the
    # client's (dinsos.uploads).
    return f"pemutakhiran/bukti/{secrets.token_hex(16)}.{stored_extension(filename)}"


class Bukti(models.Model):
    """Evidence of a proposal (a death certificate, a new KK, a letter) or the ground-check
    photo."""

    class Jenis(models.TextChoices):
        DOKUMEN = "dokumen", "Bukti usulan"
        LAPANGAN = "lapangan", "Foto cek lapangan"

    usulan = models.ForeignKey(Usulan, on_delete=models.CASCADE, related_name="bukti")
    jenis = models.CharField(max_length=10, choices=Jenis, default=Jenis.DOKUMEN)
    berkas = models.FileField(upload_to=_bukti_path, max_length=BERKAS_MAKS)
    keterangan = models.CharField(max_length=100)
    tipe = models.CharField(max_length=40, blank=True)  # content type found by its bytes
    diunggah_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "bukti"

    def __str__(self) -> str:
        return f"Bukti {mask_identifiers(self.keterangan)}"
