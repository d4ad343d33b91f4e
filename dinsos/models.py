"""The shared core: administrative areas, users with roles and areas, and the audit log."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from dinsos.pemrosesan import AKSES_ADMIN, AKSES_PETUGAS, DasarHukum, Pemrosesan

# DOMAIN.md §8: Kemendagri codes are 2+2+2+4 digits, written with dots (18.72.01.1001).
KODE_KEMENDAGRI_PATTERN = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
# DOMAIN.md §8: BPS codes (in DTSEN) are 2+2+3+3 digits, written without dots.
KODE_BPS_PATTERN = r"^(\d{4}|\d{7}|\d{10}|\d{2})$"
# A code with no start date has been valid since before the portal existed.
BERLAKU_SEJAK_AWAL = datetime.date(1900, 1, 1)


class Wilayah(models.Model):
    """An administrative area (provinsi … kelurahan/desa) in both code systems, versioned."""

    class Tingkat(models.TextChoices):
        PROVINSI = "provinsi", "Provinsi"
        KABUPATEN_KOTA = "kabkota", "Kabupaten/Kota"
        KECAMATAN = "kecamatan", "Kecamatan"
        KELURAHAN = "kelurahan", "Desa/Kelurahan"

    kode = models.CharField("kode Kemendagri", max_length=13, db_index=True)
    kode_bps = models.CharField("kode BPS", max_length=10, blank=True, db_index=True)
    nama = models.CharField(max_length=100)
    tingkat = models.CharField(max_length=10, choices=Tingkat)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # DOMAIN.md §8: "Codes change: keep them versioned".
    berlaku_mulai = models.DateField(default=BERLAKU_SEJAK_AWAL)
    berlaku_sampai = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kode", "berlaku_mulai"]
        verbose_name_plural = "wilayah"
        constraints = [
            models.UniqueConstraint(fields=["kode", "berlaku_mulai"], name="wilayah_kode_versi"),
            # Only one current version of a code at a time.
            models.UniqueConstraint(
                fields=["kode"],
                condition=Q(berlaku_sampai__isnull=True),
                name="wilayah_kode_berlaku_unik",
            ),
            models.CheckConstraint(
                condition=Q(kode__regex=KODE_KEMENDAGRI_PATTERN), name="wilayah_kode_format"
            ),
            models.CheckConstraint(
                condition=Q(kode_bps="") | Q(kode_bps__regex=KODE_BPS_PATTERN),
                name="wilayah_kode_bps_format",
            ),
            models.CheckConstraint(
                condition=Q(berlaku_sampai__isnull=True)
                | Q(berlaku_sampai__gt=models.F("berlaku_mulai")),
                name="wilayah_periode_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nama} ({self.kode})"

    @property
    def is_kelurahan(self) -> bool:
        """DOMAIN.md §8: a desa/kelurahan part starting with 1 is a kelurahan, 2 a desa."""
        return self.tingkat == self.Tingkat.KELURAHAN and self.kode[9:10] == "1"

    @property
    def kode_angka(self) -> str:
        """The Kemendagri code without dots, as it appears inside a NIK or No KK."""
        return self.kode.replace(".", "")


class User(AbstractUser):
    """A portal user: one role, and the areas (any level of Wilayah) that bound what they see."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        OPERATOR = "operator", "Operator"
        KOORDINATOR = "koordinator", "Koordinator"
        PENDAMPING = "pendamping", "Pendamping"
        # Issue 17: enters and follows the monthly DTSEN proposals of one kelurahan/desa and
        # opens no other page (dinsos.middleware.OperatorKelurahanMiddleware).
        OPERATOR_KELURAHAN = "operator_kelurahan", "Operator kelurahan/desa"

    role = models.CharField(max_length=20, choices=Role, default=Role.PENDAMPING)
    wilayah = models.ManyToManyField(
        Wilayah,
        blank=True,
        related_name="+",
        verbose_name="wilayah tugas",
        help_text="Wilayah (kota, kecamatan atau kelurahan) yang datanya boleh dilihat.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Akun petugas: masuk, peran dan wilayah kerja, jejak audit.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("username", "first_name", "last_name", "email"),
        subjek="Petugas (admin, operator, koordinator, pendamping)",
        akses=AKSES_PETUGAS,
        retensi="Selama akun ada; akun petugas yang keluar dinonaktifkan, tidak dihapus",
    )

    class Meta:
        ordering = ["username"]
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def can_edit_kpm(self) -> bool:
        """Admins and operators maintain the registry; others only read it."""
        return self.role in {self.Role.ADMIN, self.Role.OPERATOR}


class AuditEvent(models.Model):
    """One access to personal data (view, export, full-NIK reveal, import): append-only."""

    class Action(models.TextChoices):
        VIEW = "view", "Melihat"
        REVEAL_NIK = "reveal_nik", "Membuka NIK lengkap"
        EXPORT = "export", "Ekspor"
        IMPORT = "import", "Impor"
        APPLY = "apply", "Menerapkan impor"
        CREATE = "create", "Membuat"
        UPDATE = "update", "Mengubah"
        SEARCH = "search", "Mencari NIK/No KK"  # exact 16-digit search; object_repr masked
        DELETE = "delete", "Menghapus"  # deletions in the Django admin, with their count

    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(max_length=150)  # kept when the account is later removed
    action = models.CharField(max_length=12, choices=Action)
    object_type = models.CharField(max_length=100, blank=True)  # "app_label.model"
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)  # masked, never a full NIK
    reason = models.TextField(blank=True)
    jumlah = models.PositiveIntegerField(default=1, help_text="Jumlah record yang diakses.")
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Jejak akses data pribadi untuk pemberitahuan kebocoran 3×24 jam (DOMAIN.md §10).",
        dasar_hukum=DasarHukum.KEWAJIBAN_HUKUM,
        data=("username", "ip", "object_repr", "reason"),
        subjek="Petugas yang mengakses; subjek yang datanya diakses (tersamar)",
        akses=AKSES_ADMIN,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "catatan audit"
        verbose_name_plural = "catatan audit"
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_objek"),
            models.Index(fields=["user", "created_at"], name="audit_user_waktu"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display()} {self.object_repr}"


class Heartbeat(models.Model):
    """The last time a periodic job ran; lets health checks tell that beat and a worker live."""

    name = models.CharField(max_length=50, unique=True)
    last_seen_at = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pengaturan(models.Model):
    """A programme setting that takes effect on a date (DOMAIN.md: defaults are dated settings).

    The value in force on a day is the row with the latest `berlaku_mulai` not after that day;
    with no row, the default declared in `dinsos.pengaturan.DEFAULTS` applies.
    """

    kunci = models.CharField(max_length=50)
    nilai = models.JSONField()
    berlaku_mulai = models.DateField()
    catatan = models.CharField(max_length=200, blank=True, help_text="Sumber atau alasan.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kunci", "-berlaku_mulai"]
        verbose_name = "pengaturan"
        verbose_name_plural = "pengaturan"
        constraints = [
            models.UniqueConstraint(fields=["kunci", "berlaku_mulai"], name="pengaturan_unik")
        ]

    def __str__(self) -> str:
        return f"{self.kunci} sejak {self.berlaku_mulai:%Y-%m-%d}"


# --- Four eyes (issue 20) ---------------------------------------------------------------
class Persetujuan(models.Model):
    """A decision that takes aid away or changes who gets it, waiting for a second person.

    The app that owns the action files it (`persetujuan_ajukan`) with a before/after summary
    and the parameters its executor needs (`data`); approving runs that app's executor
    (hooks.EKSEKUTOR_PERSETUJUAN, keyed by `jenis`) in the same transaction. The proposer can
    never decide their own proposal: the service refuses it and the table holds it too.
    """

    class Jenis(models.TextChoices):
        STATUS_KELUARGA = "status_keluarga", "Perubahan status keluarga"
        PENANGGUHAN_KOMITMEN = "penangguhan_komitmen", "Penangguhan dari verifikasi komitmen"
        GRADUASI = "graduasi", "Keputusan graduasi"
        GRADUASI_PAKSA = "graduasi_paksa", "Graduasi paksa"
        SEKOLAH_RAKYAT = "sekolah_rakyat", "Penetapan kandidat Sekolah Rakyat"
        PBIJK = "pbijk", "Penonaktifan/reaktivasi PBI-JK"
        DTSEN_HAPUS_DESIL = "dtsen_hapus_desil", "Penerapan DTSEN yang menghapus desil"

    class Status(models.TextChoices):
        DIAJUKAN = "diajukan", "Diajukan"
        DISETUJUI = "disetujui", "Disetujui"
        DITOLAK = "ditolak", "Ditolak"
        DIBATALKAN = "dibatalkan", "Dibatalkan"

    jenis = models.CharField(max_length=30, choices=Jenis)
    judul = models.CharField(max_length=200, help_text="Siapa/apa yang diubah (NIK disamarkan).")
    objek_type = models.CharField(max_length=100)  # "app_label.model"
    objek_id = models.CharField(max_length=64)
    wilayah = models.ForeignKey(
        Wilayah,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Wilayah sasaran: menentukan siapa yang boleh menyetujui.",
    )
    sebelum = models.CharField(max_length=300)
    sesudah = models.CharField(max_length=300)
    alasan = models.TextField()
    data = models.JSONField(default=dict, blank=True)  # the executor's parameters (ids)
    peran_penyetuju = models.JSONField(default=list)  # User.Role values that may decide
    status = models.CharField(max_length=12, choices=Status, default=Status.DIAJUKAN)
    diajukan_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    diputuskan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_at = models.DateTimeField(null=True, blank=True)
    catatan_keputusan = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "persetujuan (empat mata)"
        verbose_name_plural = "persetujuan (empat mata)"
        constraints = [
            # One open proposal per action and target: a second one would be decided twice.
            models.UniqueConstraint(
                fields=["jenis", "objek_type", "objek_id"],
                condition=Q(status="diajukan"),
                name="persetujuan_satu_terbuka",
            ),
            # Four eyes: whoever proposed never approves or rejects (only withdraws).
            models.CheckConstraint(
                condition=Q(status="dibatalkan")
                | Q(diputuskan_oleh__isnull=True)
                | ~Q(diputuskan_oleh=models.F("diajukan_oleh")),
                name="persetujuan_bukan_pengaju",
            ),
        ]
        indexes = [models.Index(fields=["status", "jenis"], name="persetujuan_status_jenis")]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()}: {self.judul}"
