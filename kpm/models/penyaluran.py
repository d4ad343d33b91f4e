"""Payouts per tahap, as the bank/Pos distribution list reports them (issue 20, RHK 1)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from dinsos.models import User
from dinsos.pemrosesan import AKSES_KELUARGA, KEUANGAN, DasarHukum, Pemrosesan
from kpm.models.keluarga import Keluarga

# DOMAIN.md §2: PKH is paid in 4 quarterly tahap.
TAHAP_PER_TAHUN = 4


class Penyaluran(models.Model):
    """One family's payout in one tahap of one year: tersalur, or gagal with the reason."""

    class Status(models.TextChoices):
        TERSALUR = "tersalur", "Tersalur"
        GAGAL = "gagal", "Gagal"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="penyaluran")
    tahun = models.PositiveSmallIntegerField()
    tahap = models.PositiveSmallIntegerField()
    nominal = models.PositiveIntegerField("nominal (Rp)")
    status = models.CharField(max_length=10, choices=Status)
    alasan_gagal = models.CharField("alasan gagal", max_length=200, blank=True)
    sumber = models.CharField("penyalur (bank/Pos)", max_length=60, blank=True)
    nama_file = models.CharField("nama file", max_length=200, blank=True)
    # RHK 1 credits the payout to the family's pendamping when the list was recorded: moving
    # the family later does not move its past tahap (and the indicator reads one table).
    pendamping = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Pendamping keluarga saat daftar penyaluran dicatat (RHK 1).",
    )
    diimpor_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Mencatat bantuan PKH yang tersalur atau gagal per tahap (RHK 1 pendamping).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "tahun", "tahap", "nominal", "status", "alasan_gagal"),
        spesifik={"nominal": KEUANGAN},
        subjek="Keluarga penerima manfaat (KPM)",
        akses=AKSES_KELUARGA,
        nama="penyaluran bantuan",
    )

    class Meta:
        ordering = ["-tahun", "-tahap", "keluarga_id"]
        verbose_name = "penyaluran"
        verbose_name_plural = "penyaluran"
        constraints = [
            models.UniqueConstraint(
                fields=["keluarga", "tahun", "tahap"], name="penyaluran_keluarga_tahap"
            ),
            models.CheckConstraint(
                condition=Q(tahap__gte=1, tahap__lte=TAHAP_PER_TAHUN), name="penyaluran_tahap_1_4"
            ),
        ]
        indexes = [models.Index(fields=["tahun", "tahap", "status"], name="penyaluran_periode")]

    def __str__(self) -> str:
        return f"Tahap {self.tahap} {self.tahun}: {self.get_status_display()}"


def _berkas_path(instance: UnggahanPenyaluran, filename: str) -> str:
    # Named after the content (issue 22): the uploader's file name may hold a NIK.
    return f"kpm/penyaluran/{instance.sha256[:16]}-{filename}"


class UnggahanPenyaluran(models.Model):
    """One bank/Pos distribution list uploaded in the browser (or given to `impor_penyaluran`):
    checked whole into staging rows with every error kept by row and column, previewed
    (new / changed / unchanged), then applied in one transaction, or cancelled.

    Progress lives here, where the page polls it: a large file is checked (and applied) by a
    Celery task. The stored file and the staging rows go once the list is applied, cancelled
    or expired (`BERLAKU`); the counts and the errors stay as its history.
    """

    class Status(models.TextChoices):
        DIUNGGAH = "diunggah", "Menunggu diperiksa"
        DIPERIKSA = "diperiksa", "Sedang diperiksa"
        SIAP = "siap", "Siap diterapkan"
        DITOLAK = "ditolak", "Ada kesalahan"
        MENERAPKAN = "menerapkan", "Sedang diterapkan"
        DITERAPKAN = "diterapkan", "Diterapkan"
        GAGAL = "gagal", "Gagal diproses"
        DIBATALKAN = "dibatalkan", "Dibatalkan"

    BERJALAN = (Status.DIUNGGAH, Status.DIPERIKSA, Status.MENERAPKAN)
    BERLAKU = datetime.timedelta(days=7)  # a checked list may be applied within a week

    berkas = models.FileField(upload_to=_berkas_path, max_length=200, blank=True)
    nama_file = models.CharField("nama file", max_length=200)  # shown masked
    sha256 = models.CharField(max_length=64)
    ukuran = models.PositiveBigIntegerField("ukuran (byte)")
    dialek = models.CharField("cara file dibaca", max_length=100, blank=True)
    diunggah_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status, default=Status.DIUNGGAH)
    tahap = models.CharField("langkah", max_length=80, blank=True)
    progres = models.PositiveSmallIntegerField(default=0, help_text="Persen selesai.")
    progres_pada = models.DateTimeField(null=True, blank=True)
    baris_dibaca = models.PositiveIntegerField(default=0)
    baris_valid = models.PositiveIntegerField(default=0)
    baru = models.PositiveIntegerField(default=0)
    diubah = models.PositiveIntegerField(default=0)
    tetap = models.PositiveIntegerField(default=0)
    tersalur = models.PositiveIntegerField(default=0)
    gagal = models.PositiveIntegerField("gagal salur", default=0)
    jumlah_kesalahan = models.PositiveIntegerField(default=0)
    kesalahan = models.JSONField(
        default=list, blank=True, help_text="Kesalahan pertama: baris, kolom, pesan."
    )
    pesan_gagal = models.TextField(blank=True)
    diterapkan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diterapkan_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "unggahan daftar penyaluran"
        verbose_name_plural = "unggahan daftar penyaluran"
        indexes = [
            models.Index(fields=["diunggah_oleh", "-created_at"], name="unggahan_salur_oleh"),
            models.Index(fields=["sha256"], name="unggahan_salur_sha"),
        ]

    def __str__(self) -> str:
        return f"Daftar penyaluran #{self.pk}"

    @property
    def is_berjalan(self) -> bool:
        return self.status in self.BERJALAN


class BarisUnggahanPenyaluran(models.Model):
    """A checked row of an uploaded list, waiting for the list to be applied (staging)."""

    unggahan = models.ForeignKey(UnggahanPenyaluran, on_delete=models.CASCADE, related_name="baris")
    nomor = models.PositiveIntegerField("baris di file")
    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    tahap = models.PositiveSmallIntegerField()
    nominal = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Penyaluran.Status)
    alasan_gagal = models.CharField(max_length=200, blank=True)
    sumber = models.CharField(max_length=60, blank=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Memeriksa daftar penyaluran bank/Pos sebelum diterapkan (dihapus setelahnya).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "tahun", "tahap", "nominal", "status", "alasan_gagal"),
        spesifik={"nominal": KEUANGAN},
        subjek="Keluarga penerima manfaat (KPM)",
        akses="Admin; operator yang mengunggah.",
        nama="baris daftar penyaluran yang diunggah",
        retensi="Sampai daftar diterapkan, dibatalkan atau kedaluwarsa (7 hari)",
    )

    class Meta:
        ordering = ["unggahan_id", "nomor"]
        verbose_name = "baris daftar penyaluran"
        verbose_name_plural = "baris daftar penyaluran"
        indexes = [models.Index(fields=["unggahan", "nomor"], name="baris_salur_unggahan")]

    def __str__(self) -> str:
        return f"Baris {self.nomor} daftar penyaluran #{self.unggahan_id}"
