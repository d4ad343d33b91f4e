"""DTSEN and PBI-JK snapshots: one imported file each, its rows, its row problems.

A snapshot's rows are loaded (by COPY) into DtsenRecord/PbiJkRecord while the snapshot is
being reviewed; they count only once the snapshot is applied (status `diterapkan`), so the
record tables double as the staging area (README, design).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import partial

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import CharField, F, Func, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone

from dinsos.formatting import mask_identifiers, mask_nik
from dinsos.kode_wilayah import label_aturan
from dinsos.models import User, Wilayah
from dinsos.pemrosesan import AKSES_KANTOR, ANAK, KESEHATAN, KEUANGAN, DasarHukum, Pemrosesan

# A job whose progress has not moved for this long is shown as stalled (worker lost).
BATAS_TANPA_KEMAJUAN = timedelta(minutes=15)


def _upload_path(instance: Snapshot, filename: str) -> str:
    # An unguessable folder: the file is never served raw, even by a DEBUG static view.
    return f"dtsen/{instance.jenis}/{secrets.token_hex(16)}/{filename[-120:]}"


def _report_path(instance: Snapshot, filename: str) -> str:
    return f"dtsen/laporan/{secrets.token_hex(16)}/{filename}"


class Jenis(models.TextChoices):
    DTSEN = "dtsen", "DTSEN"
    PBIJK = "pbijk", "PBI-JK"


# DOMAIN.md §10: matching datasets needs a documented impact assessment (DPIA); the record
# of processing activities shows it next to every model that takes part in the matching.
DPIA_PENCOCOKAN = (
    "Pencocokan KPM dengan DTSEN dan PBI-JK menurut NIK, No KK dan kemiripan nama (trigram). "
    "Risiko: salah cocok membuat bantuan dicabut atau data orang lain terbuka. Mitigasi: "
    "temuan hanya usulan; cek lapangan oleh pendamping dan keputusan operator sebelum "
    "ekspor ke SIKS-NG; skor dan sinyal kecocokan tercatat; temuan dapat dibuka kembali; "
    "setiap akses tercatat di log audit; keluarga yang meminta pembatasan tidak ikut diekspor."
)
# The findings, their raw results and the SIKS-NG rows all come out of the matching.
PEMROSESAN_REKONSILIASI = partial(
    Pemrosesan,
    dasar_hukum=DasarHukum.TUGAS_PUBLIK,
    subjek="KPM dan penduduk dalam DTSEN/PBI-JK",
    dpia=DPIA_PENCOCOKAN,
)


class Snapshot(models.Model):
    """One uploaded DTSEN or PBI-JK file: where it is in the import, its counts and outcome."""

    class Status(models.TextChoices):
        DIUNGGAH = "diunggah", "Menunggu diproses"
        DIBACA = "dibaca", "Sedang dibaca"
        PERLU_PEMETAAN = "perlu_pemetaan", "Perlu pemetaan kolom"
        SIAP_DITINJAU = "siap_ditinjau", "Siap ditinjau"
        DITERAPKAN = "diterapkan", "Aktif"
        RIWAYAT = "riwayat", "Riwayat"
        GAGAL = "gagal", "Gagal"
        DIBATALKAN = "dibatalkan", "Dibatalkan"

    SEDANG_DIPROSES = frozenset({Status.DIUNGGAH, Status.DIBACA})
    # Rows of these snapshots stay in the record tables (and can be compared).
    ADA_BARIS = frozenset({Status.SIAP_DITINJAU, Status.DITERAPKAN, Status.RIWAYAT})

    jenis = models.CharField(max_length=5, choices=Jenis)
    file = models.FileField(upload_to=_upload_path, max_length=250)
    nama_file = models.CharField(max_length=200)
    ukuran_file = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    tanggal_data = models.DateField("data per tanggal")
    wilayah = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="+", help_text="Wilayah cakupan file."
    )
    status = models.CharField(max_length=15, choices=Status, default=Status.DIUNGGAH)
    tahap = models.CharField(max_length=60, blank=True)
    pesan_gagal = models.TextField(blank=True)
    progres = models.PositiveSmallIntegerField(default=0, help_text="Persen file yang dibaca.")
    progres_pada = models.DateTimeField(null=True, blank=True)
    baris_dibaca = models.PositiveIntegerField(default=0)
    baris_valid = models.PositiveIntegerField(default=0)
    baris_ditolak = models.PositiveIntegerField(default=0)
    baris_peringatan = models.PositiveIntegerField(default=0)
    # {header as written in the file: field name, or "" when ignored}
    pemetaan_kolom = models.JSONField(default=dict, blank=True)
    kolom_tak_dikenal = models.JSONField(default=list, blank=True)
    # How the file was read (issue 16): format and dialect, region-code systems and rows per
    # rule, footer rows skipped, unknown columns ignored. Shown on the review page.
    pembacaan = models.JSONField(default=dict, blank=True)
    laporan = models.FileField(upload_to=_report_path, max_length=250, blank=True)
    # Seconds spent per stage (baca, validasi, muat, ganda, laporan): read by bench/.
    durasi = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    applied_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One active snapshot per kind and area; earlier ones stay as history.
            models.UniqueConstraint(
                fields=["jenis", "wilayah"],
                condition=Q(status="diterapkan"),
                name="snapshot_satu_aktif",
            ),
            # The same file is imported once (a failed or cancelled attempt may be repeated).
            models.UniqueConstraint(
                fields=["jenis", "sha256"],
                condition=~Q(status__in=["gagal", "dibatalkan"]),
                name="snapshot_file_unik",
            ),
            models.CheckConstraint(condition=Q(progres__lte=100), name="snapshot_progres_persen"),
            models.CheckConstraint(
                condition=Q(status__in=["diterapkan", "riwayat"], applied_at__isnull=False)
                | ~Q(status__in=["diterapkan", "riwayat"]),
                name="snapshot_diterapkan_ada_waktu",
            ),
        ]
        indexes = [models.Index(fields=["jenis", "status"], name="snapshot_jenis_status")]

    def __str__(self) -> str:
        # The name is the uploader's: it may hold a NIK (AuditEvent.object_repr copies this).
        name = mask_identifiers(self.nama_file)
        return f"{self.get_jenis_display()} {self.tanggal_data:%Y-%m-%d} ({name})"

    @property
    def is_aktif(self) -> bool:
        return self.status == self.Status.DITERAPKAN

    @property
    def aturan_wilayah(self) -> list[tuple[str, str]]:
        """(rule, rows it decided) of the region codes, for the review page (issue 16)."""
        hitungan = self.pembacaan.get("wilayah", {}).get("aturan", {})
        return label_aturan(hitungan)

    @property
    def is_sedang_diproses(self) -> bool:
        return self.status in self.SEDANG_DIPROSES

    @property
    def is_terhenti(self) -> bool:
        """Processing that has not moved for a while: the worker was probably lost."""
        last = self.progres_pada or self.created_at
        return self.is_sedang_diproses and last < timezone.now() - BATAS_TANPA_KEMAJUAN


class PemetaanKolom(models.Model):
    """A header an admin mapped once for a kind of file, reused for the next files."""

    jenis = models.CharField(max_length=5, choices=Jenis)
    header = models.CharField(max_length=200, help_text="Header dalam bentuk baku (huruf kecil).")
    field = models.CharField(max_length=40, blank=True, help_text="Kosong: kolom diabaikan.")
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["jenis", "header"]
        verbose_name = "pemetaan kolom"
        verbose_name_plural = "pemetaan kolom"
        constraints = [
            models.UniqueConstraint(fields=["jenis", "header"], name="pemetaan_kolom_unik")
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.field or '(abaikan)'}"


class Penerapan(models.Model):
    """One apply of a snapshot (issue 15): what it covered, its impact when proposed, who
    proposed, approved and undid it. Its desil changes are logged in kpm.PerubahanDesil under
    `sumber`, and an undo logs its restores under `sumber_pengembalian`."""

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", "Menunggu persetujuan admin kedua"
        DITERAPKAN = "diterapkan", "Diterapkan"
        DIKEMBALIKAN = "dikembalikan", "Dikembalikan ke snapshot sebelumnya"
        DITOLAK = "ditolak", "Ditolak"

    class Cakupan(models.TextChoices):
        SEBAGIAN = "sebagian", "Hanya kelurahan yang ada di file"
        SELURUH = "seluruh", "Seluruh wilayah"

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="penerapan")
    # The snapshot that was active before: active again when this apply is undone.
    sebelumnya = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status)
    cakupan = models.CharField(max_length=8, choices=Cakupan)
    kelurahan_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    # Impact figures computed when proposed (selectors.snapshot_dampak), kept as shown.
    dampak = models.JSONField(default=dict, blank=True)
    jumlah_hilang = models.PositiveIntegerField(
        default=0, help_text="Keluarga yang kehilangan desil (DTSEN) atau PBI-JK (PBI-JK)."
    )
    jumlah_berubah = models.PositiveIntegerField(default=0)
    jumlah_dikembalikan = models.PositiveIntegerField(default=0)
    # Families left alone by the undo because their desil changed since (kpm ids).
    berubah_sejak = ArrayField(models.IntegerField(), default=list, blank=True)
    diusulkan_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    disetujui_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dikembalikan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diterapkan_at = models.DateTimeField(null=True, blank=True)
    dikembalikan_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "penerapan"
        constraints = [
            # A large removal needs a second admin: the proposer never approves their own.
            models.CheckConstraint(
                condition=~Q(disetujui_oleh=models.F("diusulkan_oleh")),
                name="penerapan_disetujui_admin_lain",
            ),
            models.UniqueConstraint(
                fields=["snapshot"],
                condition=Q(status__in=["menunggu", "diterapkan"]),
                name="penerapan_satu_berjalan",
            ),
        ]

    def __str__(self) -> str:
        return f"Penerapan #{self.pk} snapshot #{self.snapshot_id} ({self.status})"

    @property
    def sumber(self) -> str:
        return f"dtsen.penerapan:{self.pk}"

    @property
    def sumber_pengembalian(self) -> str:
        return f"dtsen.pengembalian:{self.pk}"


DESIL_VALID = Q(desil_nasional__isnull=True) | Q(desil_nasional__gte=1, desil_nasional__lte=10)


# NIK: 16 ASCII digits, tested without a regular expression (PostgreSQL's regex engine cost
# as much as the rest of COPY's checks on a million rows, issue 21).
NIK_16_DIGIT = Q(
    Exact(Length("nik"), 16),
    Exact(Func(F("nik"), Value("0123456789"), function="LTRIM", output_field=CharField()), ""),
)


class DtsenRecord(models.Model):
    """One person in a DTSEN snapshot (DOMAIN.md §7). Loaded by COPY; no per-row timestamps.

    The table is partitioned by LIST (snapshot_id), one partition per snapshot (migration
    0009): the loader fills a loose table and attaches it when the snapshot is ready for
    review (dtsen.services.partisi). Writing records any other way needs the snapshot's
    partition first (`partisi.siapkan`). Schema changes on the parent reach every partition.
    """

    # No single-column indexes (the composite ones below serve every query) and no database
    # foreign keys: checking two keys per row tripled the time to COPY a million rows. The
    # loader writes only ids it has just read; snapshots and areas are never deleted
    # (README, design).
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    baris = models.PositiveIntegerField(help_text="Nomor baris di file (seperti di Excel).")
    nik = models.CharField("NIK", max_length=16)
    no_kk = models.CharField("No KK", max_length=16)
    nama = models.TextField()
    tanggal_lahir = models.DateField(null=True)
    jenis_kelamin = models.CharField(max_length=1, blank=True)
    hubungan = models.CharField(max_length=30, blank=True)
    alamat = models.TextField(blank=True)
    rt = models.CharField(max_length=3, blank=True)
    rw = models.CharField(max_length=3, blank=True)
    kelurahan = models.ForeignKey(
        Wilayah, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    desil_nasional = models.PositiveSmallIntegerField(null=True)
    desil_provinsi = models.PositiveSmallIntegerField(null=True)
    desil_kabupaten_kota = models.PositiveSmallIntegerField(null=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Salinan DTSEN untuk desil keluarga dan rekonsiliasi (DOMAIN.md §3, §7).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "alamat", "rt", "rw"),
        spesifik={"desil_nasional": KEUANGAN, "tanggal_lahir": ANAK},
        subjek="Penduduk dalam berkas DTSEN",
        akses=AKSES_KANTOR,
        retensi="Selama snapshot disimpan sebagai riwayat; belum ada penghapusan otomatis",
        nama="baris DTSEN",
        dpia=DPIA_PENCOCOKAN,
    )

    class Meta:
        ordering = ["snapshot", "baris"]
        constraints = [
            models.CheckConstraint(condition=DESIL_VALID, name="dtsen_record_desil_1_10"),
            models.CheckConstraint(condition=NIK_16_DIGIT, name="dtsen_record_nik"),
        ]
        indexes = [
            models.Index(fields=["snapshot", "nik"], name="dtsen_record_nik"),
            models.Index(fields=["snapshot", "no_kk"], name="dtsen_record_no_kk"),
            models.Index(fields=["snapshot", "kelurahan"], name="dtsen_record_kelurahan"),
        ]

    def __str__(self) -> str:
        return f"NIK {mask_nik(self.nik)}"


class PbiJkRecord(models.Model):
    """One person on a PBI-JK list (DOMAIN.md §7): state-paid health insurance."""

    # No single-column indexes (the composite ones below serve every query) and no database
    # foreign keys: checking two keys per row tripled the time to COPY a million rows. The
    # loader writes only ids it has just read; snapshots and areas are never deleted
    # (README, design).
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    baris = models.PositiveIntegerField()
    nik = models.CharField("NIK", max_length=16)
    no_kk = models.CharField("No KK", max_length=16, blank=True)
    nama = models.TextField()
    noka = models.CharField("nomor kartu BPJS", max_length=20, blank=True)
    tanggal_lahir = models.DateField(null=True)
    jenis_kelamin = models.CharField(max_length=1, blank=True)
    alamat = models.TextField(blank=True)
    kelurahan = models.ForeignKey(
        Wilayah, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    segmen = models.CharField(max_length=40, blank=True)
    status_kepesertaan = models.CharField(max_length=20, blank=True)
    desil_nasional = models.PositiveSmallIntegerField("desil", null=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Salinan daftar PBI-JK untuk rekonsiliasi dan reaktivasi (DOMAIN.md §7).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("nik", "no_kk", "nama", "noka", "tanggal_lahir", "jenis_kelamin", "alamat"),
        spesifik={"noka": KESEHATAN, "status_kepesertaan": KESEHATAN, "desil_nasional": KEUANGAN},
        subjek="Peserta PBI-JK dalam berkas",
        akses=AKSES_KANTOR,
        retensi="Selama snapshot disimpan sebagai riwayat; belum ada penghapusan otomatis",
        nama="baris PBI-JK",
        dpia=DPIA_PENCOCOKAN,
    )

    class Meta:
        ordering = ["snapshot", "baris"]
        constraints = [
            models.CheckConstraint(condition=DESIL_VALID, name="pbijk_record_desil_1_10"),
            models.CheckConstraint(condition=Q(nik__regex=r"^\d{16}$"), name="pbijk_record_nik"),
        ]
        indexes = [
            models.Index(fields=["snapshot", "nik"], name="pbijk_record_nik"),
            models.Index(fields=["snapshot", "no_kk"], name="pbijk_record_no_kk"),
            models.Index(fields=["snapshot", "kelurahan"], name="pbijk_record_kelurahan"),
        ]

    def __str__(self) -> str:
        return f"NIK {mask_nik(self.nik)}"


class MasalahBaris(models.Model):
    """One problem in one row of a snapshot's file: a rejection or a warning (RowError)."""

    # No single-column indexes (the composite ones below serve every query) and no database
    # foreign keys: checking two keys per row tripled the time to COPY a million rows. The
    # loader writes only ids it has just read; snapshots and areas are never deleted
    # (README, design).
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    baris = models.PositiveIntegerField()
    kolom = models.CharField(max_length=200)
    pesan = models.TextField()
    is_peringatan = models.BooleanField(default=False)
    # The row's NIK when it was valid, so a duplicate is found even in a rejected row.
    nik = models.CharField(max_length=16, blank=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Laporan baris berkas DTSEN/PBI-JK yang ditolak atau diberi peringatan.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("nik", "pesan"),
        subjek="Penduduk dalam berkas DTSEN/PBI-JK",
        akses=AKSES_KANTOR,
        retensi="Selama snapshot disimpan sebagai riwayat; belum ada penghapusan otomatis",
    )

    class Meta:
        ordering = ["snapshot", "baris", "id"]
        verbose_name_plural = "masalah baris"
        indexes = [models.Index(fields=["snapshot", "baris"], name="masalah_baris_snapshot")]

    def __str__(self) -> str:
        return f"Baris {self.baris}, {self.kolom}: {self.pesan}"
