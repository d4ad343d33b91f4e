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
from kpm.models import Keluarga

# DOMAIN.md §8: a NIK is 16 digits.
NIK_PATTERN = r"^\d{16}$"
# Issue #4: a family's satisfaction score is 1–5 (DOMAIN.md §11 kepuasan penerima manfaat).
SKOR_MIN = 1
SKOR_MAKS = 5


class Pendamping(models.Model):
    """A member of the social-welfare workforce (DOMAIN.md §1: PKH, Rehsos, TKSK, PSM).

    Pendamping PKH sign in (`user`); PSM and TKSK often do not, so the link is optional.
    The areas of duty of a worker with a login are also the areas of their account
    (kept equal by `pendamping.services`), because those areas bound what they may see.
    """

    class Jenis(models.TextChoices):
        PKH = "pkh", "Pendamping PKH"
        REHSOS = "rehsos", "Pendamping Rehsos"
        TKSK = "tksk", "TKSK"
        PSM = "psm", "PSM"

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
    jenis = models.CharField(max_length=6, choices=Jenis, default=Jenis.PKH)
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


class Kasus(models.Model):
    """A family's problem reported to their pendamping, and when it was handled."""

    class Kategori(models.TextChoices):
        PENDIDIKAN = "pendidikan", "Pendidikan anak"
        KESEHATAN = "kesehatan", "Kesehatan"
        PERLINDUNGAN_ANAK = "perlindungan_anak", "Perlindungan anak / kekerasan"
        ADMINDUK = "adminduk", "Administrasi kependudukan"
        BANTUAN = "bantuan", "Penyaluran bantuan"
        EKONOMI = "ekonomi", "Ekonomi keluarga"
        BENCANA = "bencana", "Bencana / kerentanan"
        LAINNYA = "lainnya", "Lainnya"

    class Status(models.TextChoices):
        DILAPORKAN = "dilaporkan", "Dilaporkan"
        DITANGANI = "ditangani", "Ditangani"
        SELESAI = "selesai", "Selesai"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="kasus")
    pendamping = models.ForeignKey(Pendamping, on_delete=models.PROTECT, related_name="kasus")
    tanggal_lapor = models.DateField("tanggal dilaporkan")
    kategori = models.CharField(max_length=20, choices=Kategori)
    deskripsi = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status, default=Status.DILAPORKAN)
    tanggal_ditangani = models.DateField("tanggal ditangani", null=True, blank=True)
    tindakan = models.TextField("tindakan", max_length=2000, blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tanggal_lapor", "-id"]
        verbose_name_plural = "kasus"
        constraints = [
            # A handled case has its date; a case still reported has none.
            models.CheckConstraint(
                condition=(Q(status="dilaporkan") & Q(tanggal_ditangani__isnull=True))
                | (~Q(status="dilaporkan") & Q(tanggal_ditangani__isnull=False)),
                name="kasus_tanggal_ditangani_sesuai_status",
            ),
            models.CheckConstraint(
                condition=Q(tanggal_ditangani__isnull=True)
                | Q(tanggal_ditangani__gte=F("tanggal_lapor")),
                name="kasus_ditangani_setelah_lapor",
            ),
        ]
        indexes = [
            models.Index(fields=["pendamping", "tanggal_ditangani"], name="kasus_pdp_ditangani"),
            models.Index(fields=["pendamping", "tanggal_lapor"], name="kasus_pdp_lapor"),
            models.Index(fields=["keluarga", "-tanggal_lapor"], name="kasus_kel_lapor"),
        ]

    def __str__(self) -> str:
        return f"Kasus {self.get_kategori_display()} {self.tanggal_lapor.isoformat()}"


class Rujukan(models.Model):
    """A referral of a family to another service, and its outcome."""

    class Tujuan(models.TextChoices):
        PUSKESMAS = "puskesmas", "Puskesmas / fasilitas kesehatan"
        SEKOLAH = "sekolah", "Sekolah"
        DUKCAPIL = "dukcapil", "Dukcapil"
        BPJS = "bpjs", "BPJS Kesehatan"
        LAINNYA = "lainnya", "Lainnya"

    class Status(models.TextChoices):
        DIKIRIM = "dikirim", "Dikirim"
        SELESAI = "selesai", "Selesai dilayani"
        TIDAK_DILAYANI = "tidak_dilayani", "Tidak dapat dilayani"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="rujukan")
    pendamping = models.ForeignKey(Pendamping, on_delete=models.PROTECT, related_name="rujukan")
    kasus = models.ForeignKey(
        Kasus, on_delete=models.SET_NULL, null=True, blank=True, related_name="rujukan"
    )
    tujuan = models.CharField(max_length=10, choices=Tujuan)
    tujuan_lain = models.CharField("tujuan lainnya", max_length=100, blank=True)
    tanggal_kirim = models.DateField("tanggal dikirim")
    keperluan = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=15, choices=Status, default=Status.DIKIRIM)
    hasil = models.TextField(max_length=2000, blank=True)
    tanggal_selesai = models.DateField("tanggal selesai", null=True, blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tanggal_kirim", "-id"]
        verbose_name_plural = "rujukan"
        constraints = [
            models.CheckConstraint(
                condition=~Q(tujuan="lainnya") | ~Q(tujuan_lain=""),
                name="rujukan_tujuan_lain_diisi",
            ),
            models.CheckConstraint(
                condition=(Q(status="dikirim") & Q(tanggal_selesai__isnull=True))
                | (~Q(status="dikirim") & Q(tanggal_selesai__isnull=False)),
                name="rujukan_tanggal_selesai_sesuai_status",
            ),
            models.CheckConstraint(
                condition=Q(tanggal_selesai__isnull=True)
                | Q(tanggal_selesai__gte=F("tanggal_kirim")),
                name="rujukan_selesai_setelah_kirim",
            ),
        ]
        indexes = [
            models.Index(fields=["pendamping", "tanggal_kirim"], name="rujukan_pdp_kirim"),
            models.Index(fields=["keluarga", "-tanggal_kirim"], name="rujukan_kel_kirim"),
        ]

    def __str__(self) -> str:
        return f"Rujukan ke {self.nama_tujuan} {self.tanggal_kirim.isoformat()}"

    @property
    def nama_tujuan(self) -> str:
        return self.tujuan_lain if self.tujuan == self.Tujuan.LAINNYA else self.get_tujuan_display()


class Kunjungan(models.Model):
    """A home visit or verification: one way a family counts as reached (cakupan layanan)."""

    class Jenis(models.TextChoices):
        KUNJUNGAN_RUMAH = "kunjungan", "Kunjungan rumah"
        VERIFIKASI = "verifikasi", "Verifikasi"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="kunjungan")
    pendamping = models.ForeignKey(Pendamping, on_delete=models.PROTECT, related_name="kunjungan")
    tanggal = models.DateField()
    jenis = models.CharField(max_length=10, choices=Jenis, default=Jenis.KUNJUNGAN_RUMAH)
    catatan = models.TextField(max_length=2000, blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name_plural = "kunjungan"
        indexes = [
            models.Index(fields=["keluarga", "tanggal"], name="kunjungan_kel_tanggal"),
            models.Index(fields=["pendamping", "tanggal"], name="kunjungan_pdp_tanggal"),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.tanggal.isoformat()}"


class SkorKepuasan(models.Model):
    """A family's satisfaction with their pendamping on a 1–5 scale, on a date."""

    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="skor_kepuasan")
    pendamping = models.ForeignKey(
        Pendamping, on_delete=models.PROTECT, related_name="skor_kepuasan"
    )
    skor = models.PositiveSmallIntegerField()
    tanggal = models.DateField()
    catatan = models.CharField(max_length=300, blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name = "skor kepuasan"
        verbose_name_plural = "skor kepuasan"
        constraints = [
            models.CheckConstraint(
                condition=Q(skor__gte=SKOR_MIN, skor__lte=SKOR_MAKS), name="skor_kepuasan_1_5"
            ),
        ]
        indexes = [
            models.Index(fields=["pendamping", "tanggal"], name="skor_pdp_tanggal"),
            models.Index(fields=["keluarga", "-tanggal"], name="skor_kel_tanggal"),
        ]

    def __str__(self) -> str:
        return f"Skor {self.skor} ({self.tanggal.isoformat()})"


class RekapAkses(models.Model):
    """Per account and day (WIB): the most families viewed within one clock hour.

    A summary of the audit log written nightly by `rekap_akses_harian`, so the yearly
    data-protection indicator reads one row per day instead of a year of audit events; days
    after the last summary are counted from the audit log itself.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    tanggal = models.DateField()
    lihat_per_jam_maks = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tanggal", "user_id"]
        verbose_name = "rekap akses harian"
        verbose_name_plural = "rekap akses harian"
        constraints = [
            models.UniqueConstraint(fields=["user", "tanggal"], name="rekap_akses_user_tanggal")
        ]
        indexes = [models.Index(fields=["tanggal"], name="rekap_akses_tanggal")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.tanggal.isoformat()}: {self.lihat_per_jam_maks}"
