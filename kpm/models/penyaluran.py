"""Payouts per tahap, as the bank/Pos distribution list reports them (issue 20, RHK 1)."""

from __future__ import annotations

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
