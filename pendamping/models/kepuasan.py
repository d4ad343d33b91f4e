"""The family's own satisfaction answer through a one-time link or QR (issue 20, D10)."""

from __future__ import annotations

from django.db import models

from dinsos.pemrosesan import DasarHukum, Pemrosesan
from kpm.models import Keluarga
from pendamping.models.catatan import SkorKepuasan
from pendamping.models.pendamping import Pendamping

TOKEN_PANJANG = 43  # secrets.token_urlsafe(32)


class TautanKepuasan(models.Model):
    """A family's one-time link for one period: opened without login, answered once."""

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="tautan_kepuasan")
    # The pendamping the answer is about: the family's pendamping when the link was made.
    pendamping = models.ForeignKey(
        Pendamping, on_delete=models.PROTECT, related_name="tautan_kepuasan"
    )
    periode = models.DateField(help_text="Hari pertama periode penilaian.")
    token = models.CharField(max_length=TOKEN_PANJANG, unique=True)
    skor = models.OneToOneField(
        SkorKepuasan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tautan",
        verbose_name="jawaban",
    )
    dijawab_pada = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Tautan sekali pakai agar keluarga menilai sendiri layanan pendampingnya.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "token", "skor"),
        subjek="Keluarga penerima manfaat (KPM)",
    )

    class Meta:
        ordering = ["-periode", "keluarga_id"]
        verbose_name = "tautan kepuasan"
        verbose_name_plural = "tautan kepuasan"
        constraints = [
            models.UniqueConstraint(
                fields=["keluarga", "periode"], name="tautan_kepuasan_satu_per_periode"
            ),
        ]

    def __str__(self) -> str:
        return f"Tautan kepuasan {self.keluarga} ({self.periode.isoformat()})"

    @property
    def is_terpakai(self) -> bool:
        return self.dijawab_pada is not None
