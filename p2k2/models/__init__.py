"""P2K2: the curriculum, groups of families with membership history, meetings, attendance.

Attendance is written from phones with poor signal, so every write carries a client-made id:
a meeting its `client_id`, a submission its `Kiriman.client_id`, and each family's mark the
version it was based on (`Kehadiran.versi`). Two devices that changed the same mark from the
same version both keep their answer: the later one becomes a `KonflikKehadiran` to resolve.
"""

from __future__ import annotations

import uuid

from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import BigIntegerField, F, Func, Q, Value
from django.db.models.functions import Cast, Lower

from dinsos.models import User, Wilayah
from dinsos.pemrosesan import PENERIMA_KEMENSOS, DasarHukum, Pemrosesan
from dinsos.uploads import stored_extension
from kpm.models import Keluarga

# The summaries refer to the models below by name, so this import cannot loop.
from p2k2.models.ringkasan import RingkasanKelompok as RingkasanKelompok
from p2k2.models.ringkasan import RingkasanKelompokBulan as RingkasanKelompokBulan
from p2k2.models.ringkasan import RingkasanRuntunAlfa as RingkasanRuntunAlfa

# DOMAIN.md §6: SIKS-NG activity form limits; exports must pass them before they leave.
NAMA_KEGIATAN_MAKS = 100
DESKRIPSI_MAKS = 1000
# DOMAIN.md §6: up to 3 speakers on the SIKS-NG activity form.
NARASUMBER_MAKS = 3
FOTO_EKSTENSI = ["jpg", "jpeg", "png", "webp"]
# Families still in the programme may be in a group (graduated/ended ones may not join).
STATUS_BOLEH_BERGABUNG = (
    Keluarga.Status.AKTIF,
    Keluarga.Status.DITANGGUHKAN,
    Keluarga.Status.CALON_GRADUASI,
)
# The order of a group's meetings (consecutive alfa, DOMAIN.md §4): by date, then start time,
# then the order they were entered.
URUTAN_PERTEMUAN = ("tanggal", "jam_mulai", "id")


class Modul(models.Model):
    """A P2K2 module (DOMAIN.md §6); `is_adaptif` marks the free-topic module."""

    nama = models.CharField(max_length=100, unique=True)
    urutan = models.PositiveSmallIntegerField(default=0)
    is_adaptif = models.BooleanField(
        "topik bebas (adaptif)",
        default=False,
        help_text="Pertemuan modul ini memakai topik yang ditulis pendamping, bukan sesi.",
    )
    is_aktif = models.BooleanField("aktif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["urutan", "nama"]
        verbose_name_plural = "modul"

    def __str__(self) -> str:
        return self.nama


class Sesi(models.Model):
    """One session of a module, in teaching order."""

    modul = models.ForeignKey(Modul, on_delete=models.PROTECT, related_name="sesi")
    urutan = models.PositiveSmallIntegerField()
    judul = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["modul__urutan", "modul_id", "urutan"]
        verbose_name_plural = "sesi"
        constraints = [
            models.UniqueConstraint(fields=["modul", "urutan"], name="sesi_modul_urutan"),
        ]

    def __str__(self) -> str:
        return f"{self.modul.nama} — Sesi {self.urutan}: {self.judul}"


# Group names in natural order ("Kelompok 2" before "Kelompok 10", issue 14), ignoring case:
# the name without its digits, then its first number (up to 18 digits, so it fits a bigint).
# Written in SQL rather than as an ICU collation because the embedded PostgreSQL of `make
# test` is built without ICU. The group list orders by it; the index `kelompok_urutan_alami`
# holds it, so a page of 12.000 groups is read in order instead of sorted (issue 21).
URUTAN_NAMA_ALAMI = (
    Lower(Func(F("nama"), Value("[0-9]+"), Value(""), Value("g"), function="regexp_replace")),
    Cast(Func(F("nama"), Value("[0-9]{1,18}"), function="substring"), BigIntegerField()).asc(
        nulls_first=True
    ),
    F("nama").asc(),
    F("id").asc(),
)


class Kelompok(models.Model):
    """A P2K2 group of families led by one pendamping (DOMAIN.md §6: ~20–30 KPM, a ketua)."""

    nama = models.CharField(max_length=60)
    pendamping = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="kelompok_p2k2",
        limit_choices_to={"role": User.Role.PENDAMPING},
    )
    kelurahan = models.ForeignKey(
        Wilayah,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"tingkat": Wilayah.Tingkat.KELURAHAN, "berlaku_sampai__isnull": True},
    )
    ketua = models.ForeignKey(
        Keluarga,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ketua kelompok",
    )
    tempat = models.CharField(
        "tempat biasa", max_length=200, blank=True, default="Rumah ketua kelompok"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Kelompok P2K2 dan keluarga ketuanya (DOMAIN.md §6).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("ketua", "tempat"),
        subjek="Keluarga penerima manfaat (KPM)",
    )

    class Meta:
        ordering = ["nama", "id"]
        verbose_name_plural = "kelompok"
        constraints = [
            models.UniqueConstraint(fields=["pendamping", "nama"], name="kelompok_nama_unik"),
        ]
        indexes = [
            models.Index(fields=["kelurahan"], name="kelompok_kelurahan"),
            models.Index(*URUTAN_NAMA_ALAMI, name="kelompok_urutan_alami"),
        ]

    def __str__(self) -> str:
        return self.nama


class Keanggotaan(models.Model):
    """One period a family belonged to a group; `selesai` is empty while it lasts.

    A family is in at most one group at a time (partial unique constraint); moving it closes
    the old row and opens a new one, so the history of who was where stays.
    """

    kelompok = models.ForeignKey(Kelompok, on_delete=models.CASCADE, related_name="keanggotaan")
    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="keanggotaan")
    mulai = models.DateField()
    selesai = models.DateField(null=True, blank=True)
    oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Keanggotaan keluarga dalam kelompok P2K2 (DOMAIN.md §6).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "kelompok", "mulai", "selesai"),
        subjek="Keluarga penerima manfaat (KPM)",
    )

    class Meta:
        ordering = ["-mulai", "-id"]
        verbose_name_plural = "keanggotaan"
        constraints = [
            models.UniqueConstraint(
                fields=["keluarga"],
                condition=Q(selesai__isnull=True),
                name="keanggotaan_satu_aktif",
            ),
            models.CheckConstraint(
                condition=Q(selesai__isnull=True) | Q(selesai__gte=F("mulai")),
                name="keanggotaan_periode_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["kelompok", "selesai"], name="keanggotaan_kelompok"),
            models.Index(fields=["keluarga", "mulai"], name="keanggotaan_keluarga"),
        ]

    def __str__(self) -> str:
        sampai = self.selesai.isoformat() if self.selesai else "sekarang"
        return f"{self.keluarga} di {self.kelompok} ({self.mulai.isoformat()} s.d. {sampai})"


def _foto_path(instance: Pertemuan, filename: str) -> str:
    return f"p2k2/foto/{instance.client_id}.{stored_extension(filename)}"


class Pertemuan(models.Model):
    """One P2K2 meeting of a group: a curriculum session or an adaptif topic."""

    class Status(models.TextChoices):
        DIRENCANAKAN = "direncanakan", "Direncanakan"
        TERLAKSANA = "terlaksana", "Terlaksana"

    # Made on the phone, so a retried offline submission finds the meeting it created.
    client_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kelompok = models.ForeignKey(Kelompok, on_delete=models.PROTECT, related_name="pertemuan")
    sesi = models.ForeignKey(
        Sesi, on_delete=models.PROTECT, null=True, blank=True, related_name="pertemuan"
    )
    topik = models.CharField(
        "topik adaptif", max_length=150, blank=True, help_text="Untuk modul P2K2 Adaptif."
    )
    nama_kegiatan = models.CharField(
        max_length=200,
        blank=True,
        help_text="Nama kegiatan untuk SIKS-NG; kosong = dibuat dari kelompok dan sesi.",
    )
    tanggal = models.DateField()
    jam_mulai = models.TimeField(null=True, blank=True)
    jam_selesai = models.TimeField(null=True, blank=True)
    tempat = models.CharField(max_length=200, blank=True)
    narasumber_1 = models.CharField(max_length=100, blank=True)
    narasumber_2 = models.CharField(max_length=100, blank=True)
    narasumber_3 = models.CharField(max_length=100, blank=True)
    # DOMAIN.md §6: ≤ 1.000 characters, checked by the form and again before export (the
    # admin and older rows are not limited here, so the export check is the real gate).
    deskripsi = models.TextField(blank=True)
    foto = models.FileField(
        upload_to=_foto_path,
        blank=True,
        validators=[FileExtensionValidator(FOTO_EKSTENSI)],
    )
    foto_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    foto_lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.DIRENCANAKAN)
    # Issue 15: a screen reopened without its queued marks tempted a second, duplicate meeting
    # that the recap counted twice. A second meeting for the same group, date and materi
    # exists only when the user confirmed it as separate.
    is_terpisah = models.BooleanField(
        "pertemuan terpisah",
        default=False,
        help_text="Dikonfirmasi sebagai pertemuan kedua pada tanggal dan materi yang sama.",
    )
    dibuat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Bukti pertemuan P2K2: foto peserta dan lokasinya (DOMAIN.md §6).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("foto", "foto_lat", "foto_lng", "tempat"),
        subjek="Peserta pertemuan P2K2",
    )

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name_plural = "pertemuan"
        constraints = [
            # Adaptif meetings (no sesi) share one slot per day: NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["kelompok", "tanggal", "sesi"],
                condition=Q(is_terpisah=False),
                nulls_distinct=False,
                name="pertemuan_satu_per_materi",
                violation_error_message=(
                    "Kelompok ini sudah punya pertemuan dengan materi yang sama pada tanggal itu."
                ),
            ),
            models.CheckConstraint(
                condition=Q(jam_mulai__isnull=True)
                | Q(jam_selesai__isnull=True)
                | Q(jam_selesai__gt=F("jam_mulai")),
                name="pertemuan_jam_valid",
            ),
            models.CheckConstraint(
                condition=Q(foto_lat__isnull=True) | Q(foto_lat__gte=-90, foto_lat__lte=90),
                name="pertemuan_lat_valid",
            ),
            models.CheckConstraint(
                condition=Q(foto_lng__isnull=True) | Q(foto_lng__gte=-180, foto_lng__lte=180),
                name="pertemuan_lng_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["kelompok", "tanggal"], name="pertemuan_kelompok_tgl"),
            models.Index(fields=["tanggal", "status"], name="pertemuan_tgl_status"),
            # The meeting list, latest first (issue 21: a page without sorting 143.000).
            models.Index(fields=["-tanggal", "-id"], name="pertemuan_terbaru"),
        ]

    def __str__(self) -> str:
        return f"{self.kelompok} {self.tanggal.isoformat()}"

    @property
    def judul(self) -> str:
        """What the meeting was about: the session title or the adaptif topic."""
        sesi = self.sesi
        if sesi is not None:
            return sesi.judul
        return self.topik or "(belum ada materi)"

    @property
    def narasumber(self) -> list[str]:
        return [n for n in (self.narasumber_1, self.narasumber_2, self.narasumber_3) if n]

    @property
    def is_terlaksana(self) -> bool:
        return self.status == self.Status.TERLAKSANA


class Kehadiran(models.Model):
    """One family's attendance at one meeting (DOMAIN.md §6), with its version for sync."""

    class Status(models.TextChoices):
        HADIR = "hadir", "Hadir"
        IZIN = "izin", "Izin"
        SAKIT = "sakit", "Sakit"
        ALFA = "alfa", "Alfa"

    class Pemahaman(models.TextChoices):
        KOSONG = "", "—"
        KURANG = "kurang", "Kurang"
        BAIK = "baik", "Baik"
        SANGAT_BAIK = "sangat_baik", "Sangat baik"
        TIDAK_DAPAT_DINILAI = "tidak_dinilai", "Tidak dapat dinilai"

    pertemuan = models.ForeignKey(Pertemuan, on_delete=models.CASCADE, related_name="kehadiran")
    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="kehadiran")
    status = models.CharField(max_length=5, choices=Status)
    pemahaman = models.CharField(max_length=13, choices=Pemahaman, blank=True, default="")
    # Raised by one on every change; a phone sends the version it started from.
    versi = models.PositiveIntegerField(default=1)
    # The browser that wrote the mark last (a random id kept on the phone): a phone that
    # overwrites its own earlier mark is correcting itself, not conflicting with anyone.
    perangkat = models.UUIDField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Kehadiran keluarga di pertemuan P2K2, dilaporkan ke SIKS-NG (DOMAIN.md §6).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "status", "pemahaman"),
        subjek="Keluarga penerima manfaat (KPM)",
        penerima=(PENERIMA_KEMENSOS,),
    )

    class Meta:
        ordering = ["pertemuan_id", "keluarga_id"]
        verbose_name_plural = "kehadiran"
        constraints = [
            models.UniqueConstraint(
                fields=["pertemuan", "keluarga"], name="kehadiran_pertemuan_keluarga"
            ),
        ]
        indexes = [models.Index(fields=["keluarga", "pertemuan"], name="kehadiran_keluarga")]

    def __str__(self) -> str:
        return f"{self.keluarga} {self.get_status_display()}"


class Kiriman(models.Model):
    """One attendance submission from a phone, kept with its answer: a retry or a double tap
    with the same `client_id` gets the stored answer and changes nothing."""

    client_id = models.UUIDField(unique=True)
    perangkat = models.UUIDField(null=True, blank=True)
    pertemuan = models.ForeignKey(Pertemuan, on_delete=models.CASCADE, related_name="kiriman")
    oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    hasil = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "kiriman"

    def __str__(self) -> str:
        return f"Kiriman {self.client_id}"


class KonflikKehadiran(models.Model):
    """A submission that changed a family's mark from a version another device had already
    changed differently. Both answers are kept until the pendamping chooses one."""

    class Pilihan(models.TextChoices):
        TERSIMPAN = "tersimpan", "Pertahankan yang tersimpan"
        KIRIMAN = "kiriman", "Pakai kiriman ini"

    pertemuan = models.ForeignKey(Pertemuan, on_delete=models.CASCADE, related_name="konflik")
    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="+")
    kiriman = models.ForeignKey(Kiriman, on_delete=models.CASCADE, related_name="konflik")
    # The losing submission…
    status = models.CharField(max_length=5, choices=Kehadiran.Status)
    pemahaman = models.CharField(max_length=13, choices=Kehadiran.Pemahaman, blank=True)
    versi_dasar = models.PositiveIntegerField()
    # …and what the server held when it arrived.
    status_tersimpan = models.CharField(max_length=5, choices=Kehadiran.Status)
    pemahaman_tersimpan = models.CharField(max_length=13, choices=Kehadiran.Pemahaman, blank=True)
    versi_tersimpan = models.PositiveIntegerField()
    oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    pilihan = models.CharField(max_length=9, choices=Pilihan, blank=True)
    diselesaikan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diselesaikan_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Dua catatan kehadiran yang bertentangan, menunggu keputusan petugas.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "status", "status_tersimpan"),
        subjek="Keluarga penerima manfaat (KPM)",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "konflik kehadiran"
        verbose_name_plural = "konflik kehadiran"
        indexes = [
            models.Index(
                fields=["pertemuan"],
                condition=Q(diselesaikan_at__isnull=True),
                name="konflik_terbuka",
            ),
        ]

    def __str__(self) -> str:
        return f"Konflik {self.keluarga}: {self.status_tersimpan} / {self.status}"

    @property
    def is_terbuka(self) -> bool:
        return self.diselesaikan_at is None
