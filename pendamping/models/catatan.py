"""Field records of the workforce: cases, referrals, visits, satisfaction scores, access summary."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q

from dinsos.models import User
from dinsos.pemrosesan import KESEHATAN, PENERIMA_RUJUKAN, DasarHukum, Pemrosesan
from dinsos.uploads import stored_extension
from kpm.models import Keluarga
from pendamping.models.pendamping import SKOR_MAKS, SKOR_MIN, Pendamping
from pendamping.models.psks import KlienPmks

# Issue 20: a case, referral or visit is for a KPM family or for a PMKS client, never both.
SATU_SUBJEK = (Q(keluarga__isnull=False) & Q(klien__isnull=True)) | (
    Q(keluarga__isnull=True) & Q(klien__isnull=False)
)


def _subjek_fields(related_name: str) -> tuple[models.ForeignKey, models.ForeignKey]:
    keluarga = models.ForeignKey(
        Keluarga, on_delete=models.PROTECT, null=True, blank=True, related_name=related_name
    )
    klien = models.ForeignKey(
        KlienPmks,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name="klien PMKS",
    )
    return keluarga, klien


def _jawaban_path(instance: Rujukan, filename: str) -> str:
    # An unguessable name, served only through an access-checked view; the extension is the
    # one found from the content (dinsos.uploads), never the client's.
    return f"pendamping/rujukan/{secrets.token_hex(16)}.{stored_extension(filename)}"


class Kasus(models.Model):
    """A problem of a KPM family or a PMKS client reported to a worker, and when it was handled."""

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

    keluarga, klien = _subjek_fields("kasus")
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

    PEMROSESAN = Pemrosesan(
        tujuan="Penanganan kasus keluarga oleh pendamping (kecepatan respon, DOMAIN.md §11).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "kategori", "deskripsi", "tindakan"),
        spesifik={"deskripsi": KESEHATAN},
    )

    class Meta:
        ordering = ["-tanggal_lapor", "-id"]
        verbose_name_plural = "kasus"
        constraints = [
            models.CheckConstraint(condition=SATU_SUBJEK, name="kasus_keluarga_atau_klien"),
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
            models.Index(fields=["klien", "-tanggal_lapor"], name="kasus_klien_lapor"),
        ]

    def __str__(self) -> str:
        return f"Kasus {self.get_kategori_display()} {self.tanggal_lapor.isoformat()}"


class Rujukan(models.Model):
    """A referral of a family or PMKS client to another service, and that service's answer.

    Two-way (issue 20): the receiving institution's answer is the outcome (status, date,
    result) with its letter (`dokumen_jawaban`); a referral still `dikirim` past the
    setting `rujukan_jawaban_batas_hari` is overdue ("terlambat").
    """

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

    keluarga, klien = _subjek_fields("rujukan")
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
    tanggal_selesai = models.DateField("tanggal jawaban", null=True, blank=True)
    dokumen_jawaban = models.FileField(
        "surat jawaban", upload_to=_jawaban_path, max_length=200, blank=True
    )
    tipe_dokumen = models.CharField(max_length=40, blank=True)  # found from the bytes
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Rujukan keluarga ke layanan lain dan hasilnya (integrasi rujukan).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "tujuan", "keperluan", "hasil"),
        spesifik={"keperluan": KESEHATAN},
        penerima=(PENERIMA_RUJUKAN,),
    )

    class Meta:
        ordering = ["-tanggal_kirim", "-id"]
        verbose_name_plural = "rujukan"
        constraints = [
            models.CheckConstraint(condition=SATU_SUBJEK, name="rujukan_keluarga_atau_klien"),
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
            models.Index(fields=["klien", "-tanggal_kirim"], name="rujukan_klien_kirim"),
            models.Index(
                fields=["tanggal_kirim"],
                condition=Q(status="dikirim"),
                name="rujukan_menunggu_jawaban",
            ),
        ]

    def __str__(self) -> str:
        return f"Rujukan ke {self.nama_tujuan} {self.tanggal_kirim.isoformat()}"

    @property
    def nama_tujuan(self) -> str:
        return self.tujuan_lain if self.tujuan == self.Tujuan.LAINNYA else self.get_tujuan_display()


class Kunjungan(models.Model):
    """A home visit or verification of a family or PMKS client: one way they count as reached
    (cakupan layanan)."""

    class Jenis(models.TextChoices):
        KUNJUNGAN_RUMAH = "kunjungan", "Kunjungan rumah"
        VERIFIKASI = "verifikasi", "Verifikasi"

    keluarga, klien = _subjek_fields("kunjungan")
    pendamping = models.ForeignKey(Pendamping, on_delete=models.PROTECT, related_name="kunjungan")
    tanggal = models.DateField()
    jenis = models.CharField(max_length=10, choices=Jenis, default=Jenis.KUNJUNGAN_RUMAH)
    catatan = models.TextField(max_length=2000, blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Kunjungan rumah dan verifikasi lapangan oleh pendamping.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "tanggal", "catatan"),
    )

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name_plural = "kunjungan"
        constraints = [
            models.CheckConstraint(condition=SATU_SUBJEK, name="kunjungan_keluarga_atau_klien"),
        ]
        indexes = [
            models.Index(fields=["keluarga", "tanggal"], name="kunjungan_kel_tanggal"),
            models.Index(fields=["klien", "tanggal"], name="kunjungan_klien_tanggal"),
            models.Index(fields=["pendamping", "tanggal"], name="kunjungan_pdp_tanggal"),
            # The visit list, newest first: a page walks this index instead of sorting every
            # visit in scope (issue 21: province scale 215 → 25 ms).
            models.Index(fields=["-tanggal", "-id"], name="kunjungan_terbaru"),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.tanggal.isoformat()}"


class SkorKepuasan(models.Model):
    """A family's satisfaction with their pendamping on a 1–5 scale, on a date.

    Issue 20 (D10): the score is about the family's pendamping, whoever collected it; a score
    the family's own pendamping entered is kept but does not count in their indicator
    (`pendamping.selectors.skor_list` shows it as "tidak dihitung").
    """

    class Kanal(models.TextChoices):
        TELEPON = "telepon", "Telepon oleh petugas kantor"
        KUNJUNGAN = "kunjungan", "Kunjungan petugas lain"
        TAUTAN = "tautan", "Diisi keluarga (tautan/QR)"
        PENDAMPING = "pendamping", "Dicatat pendamping keluarga"
        TIDAK_TERCATAT = "tidak_tercatat", "Tidak tercatat (skor lama)"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="skor_kepuasan")
    pendamping = models.ForeignKey(
        Pendamping, on_delete=models.PROTECT, related_name="skor_kepuasan"
    )
    skor = models.PositiveSmallIntegerField()
    tanggal = models.DateField()
    catatan = models.CharField(max_length=300, blank=True)
    # Scores from before issue 20 have no recorded channel; services always set one.
    kanal = models.CharField(max_length=16, choices=Kanal, default=Kanal.TIDAK_TERCATAT)
    # Empty when the family answered through its own link (kanal "tautan").
    dicatat_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Kepuasan keluarga atas layanan pendamping (DOMAIN.md §11).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "skor", "catatan"),
    )

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
