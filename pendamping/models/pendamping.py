"""The social-welfare workforce, family assignments, and what pendamping record in the field.

Pendamping work for families (kpm.Keluarga); `Keluarga.pendamping` (a User) is the CURRENT
pendamping and drives the privacy scope. This app keeps who had the family when (Penugasan),
and the cases, referrals, visits and satisfaction scores the indicators are computed from.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from dinsos.formatting import mask_nik
from dinsos.identity import validate_nik
from dinsos.models import User, Wilayah
from dinsos.pemrosesan import AKSES_KANTOR, DasarHukum, Pemrosesan
from kpm.models import Keluarga
from pendamping.models.psks import JenisPsks

# DOMAIN.md §8: a NIK is 16 digits.
NIK_PATTERN = r"^\d{16}$"
# Issue #4: a family's satisfaction score is 1–5 (DOMAIN.md §11 kepuasan penerima manfaat).
SKOR_MIN = 1
SKOR_MAKS = 5


class Pendamping(models.Model):
    """A member of the social-welfare workforce (DOMAIN.md §1: PKH, Rehsos, TKSK, PSM; issue
    20 adds ASN, Karang Taruna and LKS), of a kind the admin keeps in `JenisPsks`.

    Pendamping PKH sign in (`user`); PSM and TKSK often do not, so the link is optional.
    The areas of duty of a worker with a login are also the areas of their account
    (kept equal by `pendamping.services`), because those areas bound what they may see.
    """

    class Jenis(models.TextChoices):
        """Codes of the kinds seeded by migration 0005 (rows of `JenisPsks`; the admin may
        add more). Code that names one kind (demo, tests) uses these."""

        ASN = "asn", "ASN"
        PKH = "pkh", "Pendamping PKH"
        REHSOS = "rehsos", "Pendamping Rehsos"
        TKSK = "tksk", "TKSK"
        PSM = "psm", "PSM"
        KARANG_TARUNA = "karang_taruna", "Karang Taruna"
        LKS = "lks", "LKS"

    user = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profil_pendamping",
        limit_choices_to={"role": User.Role.PENDAMPING},
        verbose_name="akun",
    )
    nama = models.CharField(max_length=100)
    # The column keeps the code (db_column "jenis"), so raw SQL and filters by code still hold.
    jenis = models.ForeignKey(
        JenisPsks,
        on_delete=models.PROTECT,
        to_field="kode",
        db_column="jenis",
        default=Jenis.PKH.value,
        related_name="pendamping",
        verbose_name="jenis",
    )
    nik = models.CharField("NIK", max_length=16, blank=True, default="", validators=[validate_nik])
    telepon = models.CharField(max_length=20, blank=True)
    wilayah = models.ManyToManyField(
        Wilayah,
        blank=True,
        related_name="+",
        verbose_name="wilayah tugas",
        help_text="Kecamatan atau kelurahan tempat bertugas.",
    )
    mulai = models.DateField("mulai bertugas")
    selesai = models.DateField("selesai bertugas", null=True, blank=True)
    # DOMAIN.md §11: hard-to-reach areas have a lower caseload ceiling (150 instead of 350).
    is_wilayah_sulit = models.BooleanField("wilayah sulit dijangkau", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Data SDM pendamping: penugasan wilayah dan penilaian kinerja (DOMAIN.md §11).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("nama", "nik", "telepon", "mulai", "selesai"),
        subjek="Pendamping dan pekerja sosial (PSKS)",
        akses=AKSES_KANTOR,
        retensi="Selama masa tugas dan sesudahnya sebagai riwayat; belum ada penghapusan otomatis",
    )

    class Meta:
        ordering = ["nama", "id"]
        verbose_name_plural = "pendamping"
        constraints = [
            models.CheckConstraint(
                condition=Q(nik="") | Q(nik__regex=NIK_PATTERN), name="pendamping_nik_16"
            ),
            models.UniqueConstraint(
                fields=["nik"], condition=~Q(nik=""), name="pendamping_nik_unik"
            ),
            models.CheckConstraint(
                condition=Q(selesai__isnull=True) | Q(selesai__gte=F("mulai")),
                name="pendamping_periode_valid",
            ),
        ]
        indexes = [models.Index(fields=["jenis", "nama"], name="pendamping_jenis_nama")]

    def __str__(self) -> str:
        return f"{self.nama} ({self.get_jenis_display()})"

    def get_jenis_display(self) -> str:
        """The kind's name (loads `jenis` unless the selector joined it)."""
        return self.jenis.nama

    @property
    def nik_tersamar(self) -> str:
        return mask_nik(self.nik)


class Penugasan(models.Model):
    """One period during which a pendamping had a family: who had the family when.

    `selesai` is empty while the assignment runs; at most one open row per family.
    """

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="penugasan")
    pendamping = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="penugasan_keluarga"
    )
    mulai = models.DateField()
    selesai = models.DateField(null=True, blank=True)
    oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Riwayat pendamping yang menangani tiap keluarga.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "pendamping", "mulai", "selesai"),
        subjek="Keluarga penerima manfaat (KPM) dan pendamping",
    )

    class Meta:
        ordering = ["-mulai", "-id"]
        verbose_name_plural = "penugasan"
        constraints = [
            models.UniqueConstraint(
                fields=["keluarga"],
                condition=Q(selesai__isnull=True),
                name="penugasan_satu_aktif",
            ),
            models.CheckConstraint(
                condition=Q(selesai__isnull=True) | Q(selesai__gte=F("mulai")),
                name="penugasan_periode_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["pendamping", "mulai"], name="penugasan_pdp_mulai"),
            models.Index(fields=["keluarga", "mulai"], name="penugasan_kel_mulai"),
        ]

    def __str__(self) -> str:
        sampai = self.selesai.isoformat() if self.selesai else "sekarang"
        return f"{self.keluarga} — {self.pendamping} ({self.mulai.isoformat()} s.d. {sampai})"
