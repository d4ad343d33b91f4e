"""DTSEN and PBI-JK snapshots: one imported file each, its rows, its row problems.

A snapshot's rows are loaded (by COPY) into DtsenRecord/PbiJkRecord while the snapshot is
being reviewed; they count only once the snapshot is applied (status `diterapkan`), so the
record tables double as the staging area (README, design).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dinsos.formatting import mask_identifiers, mask_nik
from dinsos.kode_wilayah import label_aturan
from dinsos.models import User, Wilayah
from dinsos.uploads import stored_extension

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


class DtsenRecord(models.Model):
    """One person in a DTSEN snapshot (DOMAIN.md §7). Loaded by COPY; no per-row timestamps."""

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

    class Meta:
        ordering = ["snapshot", "baris"]
        constraints = [
            models.CheckConstraint(condition=DESIL_VALID, name="dtsen_record_desil_1_10"),
            models.CheckConstraint(condition=Q(nik__regex=r"^\d{16}$"), name="dtsen_record_nik"),
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

    class Meta:
        ordering = ["snapshot", "baris", "id"]
        verbose_name_plural = "masalah baris"
        indexes = [models.Index(fields=["snapshot", "baris"], name="masalah_baris_snapshot")]

    def __str__(self) -> str:
        return f"Baris {self.baris}, {self.kolom}: {self.pesan}"


# --- Reconciliation (issue #7): runs, findings, their follow-up trail, SIKS-NG exports -------
# PBI-JK status texts that mean the person no longer has state-paid cover ("nonaktif",
# "non aktif", "non-aktif", "tidak aktif", "dinonaktifkan"); anything else counts as active.
PBIJK_NONAKTIF_REGEX = r"non\s*-?\s*aktif|tidak\s+aktif"


def _bukti_path(instance: TemuanRiwayat, filename: str) -> str:
    # An unguessable name (evidence is served only through an access-checked view) whose
    # extension is never the client's (dinsos.uploads).
    return f"dtsen/bukti/{secrets.token_hex(16)}.{stored_extension(filename)}"


def _ekspor_path(instance: EksporSiks, filename: str) -> str:
    return f"dtsen/ekspor/{secrets.token_hex(16)}/{filename}"


class Rekonsiliasi(models.Model):
    """One reconciliation run: which sources were compared, its progress and its counts."""

    class Jenis(models.TextChoices):
        KPM_DTSEN = "kpm-dtsen", "KPM dengan DTSEN"
        PBIJK_DTSEN = "pbijk-dtsen", "PBI-JK dengan DTSEN"
        KPM_PBIJK = "kpm-pbijk", "KPM dengan PBI-JK"

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", "Menunggu diproses"
        BERJALAN = "berjalan", "Sedang berjalan"
        SELESAI = "selesai", "Selesai"
        GAGAL = "gagal", "Gagal"
        DIBATALKAN = "dibatalkan", "Dibatalkan"

    class Mode(models.TextChoices):
        TUNGGAL = "tunggal", "Satu tugas"
        CHORD = "chord", "Paralel per kecamatan"

    SEDANG_BERJALAN = frozenset({Status.MENUNGGU, Status.BERJALAN})

    jenis = models.CharField(max_length=11, choices=Jenis)
    wilayah = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    snapshot_dtsen = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The DTSEN snapshot before `snapshot_dtsen`, for "desil changed" (none on a first import).
    snapshot_dtsen_lama = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot_pbijk = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mode = models.CharField(max_length=7, choices=Mode, default=Mode.TUNGGAL)
    status = models.CharField(max_length=10, choices=Status, default=Status.MENUNGGU)
    tahap = models.CharField(max_length=80, blank=True)
    langkah_total = models.PositiveIntegerField(default=0)
    langkah_selesai = models.PositiveIntegerField(default=0)
    progres_pada = models.DateTimeField(null=True, blank=True)
    # The rule values in force when the run started (desil cut-offs, name score), shown with
    # its findings so a later change of setting does not rewrite what a run meant.
    aturan = models.JSONField(default=dict, blank=True)
    # Checked between chunks: a running job stops at the next check and discards its work.
    is_batal_diminta = models.BooleanField(default=False)
    # {kategori: n} of the findings this run saw; per kecamatan {kecamatan_id: {kategori: n}}.
    jumlah = models.JSONField(default=dict, blank=True)
    jumlah_kecamatan = models.JSONField(default=dict, blank=True)
    jumlah_baru = models.PositiveIntegerField(default=0)
    jumlah_tetap = models.PositiveIntegerField(default=0)
    jumlah_dibuka_lagi = models.PositiveIntegerField(default=0)
    jumlah_ditutup = models.PositiveIntegerField(default=0)
    durasi = models.JSONField(default=dict, blank=True)  # seconds per stage: read by bench/
    pesan_gagal = models.TextField(blank=True)
    started_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "rekonsiliasi"
        constraints = [
            # One run at a time per kind and area: runs of one kind share their findings.
            models.UniqueConstraint(
                fields=["jenis", "wilayah"],
                condition=Q(status__in=["menunggu", "berjalan"]),
                name="rekonsiliasi_satu_berjalan",
            ),
            models.CheckConstraint(
                condition=Q(langkah_selesai__lte=models.F("langkah_total")),
                name="rekonsiliasi_langkah",
            ),
        ]
        indexes = [models.Index(fields=["jenis", "wilayah", "status"], name="rekon_jenis")]

    def __str__(self) -> str:
        return f"Rekonsiliasi #{self.pk} {self.get_jenis_display()}"

    @property
    def progres(self) -> int:
        if not self.langkah_total:
            return 0
        return min(100, self.langkah_selesai * 100 // self.langkah_total)

    @property
    def is_berjalan(self) -> bool:
        return self.status in self.SEDANG_BERJALAN

    @property
    def is_terhenti(self) -> bool:
        """A run that has not moved for a while: its worker was probably lost."""
        last = self.progres_pada or self.created_at
        return self.is_berjalan and last < timezone.now() - BATAS_TANPA_KEMAJUAN

    @property
    def jumlah_total(self) -> int:
        return sum(self.jumlah.values())


class Kategori(models.TextChoices):
    """The kinds of finding (issue #7; matching rules in dtsen/services/rekonsiliasi.py)."""

    KPM_TIDAK_DI_DTSEN = "kpm_tidak_di_dtsen", "Anggota KPM tidak ada di DTSEN"
    KEMUNGKINAN_COCOK = "kemungkinan_cocok", "Kemungkinan cocok (NIK berbeda)"
    DESIL_DI_ATAS_PKH = "desil_di_atas_pkh", "Desil KPM di atas batas PKH"
    KPM_TANPA_DESIL = "kpm_tanpa_desil", "KPM tanpa desil"
    DATA_BERBEDA = "data_berbeda", "Data berbeda antar-sumber"
    NIK_DUA_KK = "nik_dua_kk", "NIK di dua KK"
    KK_ANGGOTA_BERBEDA = "kk_anggota_berbeda", "Anggota KK berbeda antar-sumber"
    DESIL_BERUBAH = "desil_berubah", "Desil berubah sejak snapshot sebelumnya"
    PBIJK_TIDAK_DI_DTSEN = "pbijk_tidak_di_dtsen", "Peserta PBI-JK tidak ada di DTSEN"
    PBIJK_DESIL_TIDAK_LAYAK = "pbijk_desil_tidak_layak", "Peserta PBI-JK di atas batas desil"
    DTSEN_BELUM_PBIJK = "dtsen_belum_pbijk", "Warga desil rendah belum PBI-JK"
    KPM_TANPA_PBIJK = "kpm_tanpa_pbijk", "Anggota KPM tanpa PBI-JK"


class Temuan(models.Model):
    """One finding of a reconciliation, kept across runs by its fingerprint (`sidik`)."""

    class Tahap(models.TextChoices):
        BELUM_DIPERIKSA = "belum_diperiksa", "Belum diperiksa"
        DIVERIFIKASI = "diverifikasi", "Diverifikasi lapangan"
        DIPUTUSKAN = "diputuskan", "Sudah diputuskan"

    class Keputusan(models.TextChoices):
        USUL_NONAKTIF = "usul_nonaktif", "Usul nonaktif"
        USULKAN = "usulkan", "Usulkan PBI-JK (baru/reaktivasi)"
        TETAP = "tetap", "Tetap"
        PERBAIKI_DATA = "perbaiki_data", "Perbaiki data"

    class AlasanTutup(models.TextChoices):
        ANOMALI_HILANG = "anomali_hilang", "Anomali sudah tidak ada"
        DATA_BERUBAH = "data_berubah", "Data berubah (diganti temuan baru)"

    jenis = models.CharField(max_length=11, choices=Rekonsiliasi.Jenis)
    wilayah = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+", db_index=False)
    kategori = models.CharField(max_length=30, choices=Kategori)
    # The same subject in the same category (whatever the compared values): jenis|kategori|subjek.
    kunci = models.CharField(max_length=120)
    # md5 of (wilayah, kunci, compared values): unchanged data → the same finding next run.
    sidik = models.CharField(max_length=32, unique=True)
    nik = models.CharField("NIK", max_length=16, blank=True)
    no_kk = models.CharField("No KK", max_length=16, blank=True)
    nama = models.CharField(max_length=200, blank=True)
    keluarga = models.ForeignKey(
        "kpm.Keluarga", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anggota = models.ForeignKey(
        "kpm.Anggota", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kelurahan = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="+", db_index=False
    )  # temuan_kelurahan serves it
    kecamatan = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    skor = models.FloatField(
        null=True,
        blank=True,
        help_text="Skor kemungkinan cocok (poin).",
    )
    rincian = models.JSONField(default=dict)
    tahap = models.CharField(max_length=15, choices=Tahap, default=Tahap.BELUM_DIPERIKSA)
    keputusan = models.CharField(max_length=15, choices=Keputusan, blank=True)
    pendamping = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": User.Role.PENDAMPING},
        db_index=False,  # temuan_pendamping (pendamping, tahap) serves it
    )
    ditugaskan_at = models.DateTimeField(null=True, blank=True)
    # No indexes on the run columns: every run rewrites last_seen_run on each finding it sees,
    # and an unindexed column keeps those updates cheap (HOT).
    first_seen_run = models.ForeignKey(
        Rekonsiliasi, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    last_seen_run = models.ForeignKey(
        Rekonsiliasi, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    closed_run = models.ForeignKey(
        Rekonsiliasi,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    alasan_tutup = models.CharField(max_length=15, choices=AlasanTutup, blank=True)
    sebelumnya = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    diekspor_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "temuan"
        constraints = [
            models.CheckConstraint(
                condition=Q(tahap="diputuskan", keputusan__gt="")
                | (~Q(tahap="diputuskan") & Q(keputusan="")),
                name="temuan_keputusan_saat_diputuskan",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, alasan_tutup="")
                | Q(closed_at__isnull=False, alasan_tutup__gt=""),
                name="temuan_tutup_ada_alasan",
            ),
        ]
        indexes = [
            models.Index(fields=["kunci"], name="temuan_kunci"),
            models.Index(
                fields=["jenis", "wilayah", "kategori"],
                condition=Q(closed_at__isnull=True),
                name="temuan_terbuka",
            ),
            # Area scoping counts and lists open findings per kelurahan (and category) from
            # the index alone (bench/reconcile.py: list count at 300.000 findings 510 → 20 ms).
            models.Index(fields=["kelurahan", "kategori", "closed_at"], name="temuan_kelurahan"),
            models.Index(fields=["kecamatan", "kategori"], name="temuan_kecamatan"),
            models.Index(fields=["pendamping", "tahap"], name="temuan_pendamping"),
        ]

    def __str__(self) -> str:
        subjek = f"NIK {mask_nik(self.nik)}" if self.nik else f"KK {mask_nik(self.no_kk)}"
        return f"Temuan #{self.pk} {self.get_kategori_display()}, {subjek}"

    @property
    def is_terbuka(self) -> bool:
        return self.closed_at is None


class PasanganBerlabel(models.Model):
    """A probable match whose field check answered "same person" or "not": the evidence for
    each band's precision and what `manage.py refit_pencocokan` learns from (issue #23)."""

    class Pita(models.TextChoices):
        SANGAT_MUNGKIN = "sangat_mungkin", "Sangat mungkin"
        MUNGKIN = "mungkin", "Mungkin"
        LEMAH = "lemah", "Lemah"

    temuan = models.OneToOneField(Temuan, on_delete=models.PROTECT, related_name="label")
    skor = models.FloatField()
    pita = models.CharField(max_length=15, choices=Pita)
    sinyal = models.JSONField(help_text="Tingkat tiap sinyal saat dicek (dinsos.kecocokan).")
    is_sama = models.BooleanField("sama orang")
    diperiksa_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    diperiksa_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-diperiksa_at", "-id"]
        verbose_name = "pasangan berlabel"
        verbose_name_plural = "pasangan berlabel"
        indexes = [models.Index(fields=["diperiksa_at"], name="pasangan_diperiksa")]

    def __str__(self) -> str:
        return f"{'Sama' if self.is_sama else 'Bukan'} orang (temuan #{self.temuan_id})"


class TemuanRiwayat(models.Model):
    """One step in a finding's follow-up: assignment, ground-check, decision, reopen, close."""

    class Aksi(models.TextChoices):
        DITUGASKAN = "ditugaskan", "Diteruskan ke pendamping"
        DIVERIFIKASI = "diverifikasi", "Diverifikasi lapangan"
        DIPUTUSKAN = "diputuskan", "Keputusan"
        DIBUKA_LAGI = "dibuka_lagi", "Dibuka kembali"
        DITUTUP = "ditutup", "Ditutup otomatis"
        DIEKSPOR = "diekspor", "Diekspor untuk SIKS-NG"

    class JenisBukti(models.TextChoices):
        FOTO_KUNJUNGAN = "foto", "Foto kunjungan"
        SURAT_FASKES = "surat_faskes", "Surat keterangan fasilitas kesehatan"
        DOKUMEN = "dokumen", "Dokumen lain"

    temuan = models.ForeignKey(Temuan, on_delete=models.PROTECT, related_name="riwayat")
    aksi = models.CharField(max_length=15, choices=Aksi)
    tahap = models.CharField(max_length=15, choices=Temuan.Tahap, blank=True)
    keputusan = models.CharField(max_length=15, choices=Temuan.Keputusan, blank=True)
    catatan = models.TextField(blank=True)
    pendamping = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bukti = models.FileField(upload_to=_bukti_path, max_length=200, blank=True)
    jenis_bukti = models.CharField(max_length=15, choices=JenisBukti, blank=True)
    tipe_bukti = models.CharField(max_length=40, blank=True)  # content type found by its bytes
    rekonsiliasi = models.ForeignKey(
        Rekonsiliasi, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # empty: the reconciliation itself
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "riwayat temuan"
        indexes = [models.Index(fields=["temuan", "-created_at"], name="temuan_riwayat")]

    def __str__(self) -> str:
        return f"{self.get_aksi_display()} (temuan #{self.temuan_id})"


class TemuanHasil(models.Model):
    """Staging: the findings one run computed, merged into Temuan in one transaction at the
    end (so a cancelled or failed run changes nothing). An UNLOGGED table (migration 0003)."""

    rekonsiliasi = models.ForeignKey(
        Rekonsiliasi,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    kategori = models.CharField(max_length=30)
    kunci = models.CharField(max_length=120)
    sidik = models.CharField(max_length=32)
    nik = models.CharField(max_length=16, blank=True)
    no_kk = models.CharField(max_length=16, blank=True)
    nama = models.CharField(max_length=200, blank=True)
    keluarga_id = models.BigIntegerField(null=True)
    anggota_id = models.BigIntegerField(null=True)
    kelurahan_id = models.BigIntegerField()
    kecamatan_id = models.BigIntegerField()
    skor = models.FloatField(null=True)
    rincian = models.JSONField(default=dict)

    class Meta:
        # No index: the merge reads all of a run's rows at once (hash joins), and inserting a
        # quarter of a million rows is faster without one.
        ordering = ["rekonsiliasi", "id"]

    def __str__(self) -> str:
        return f"{self.kategori} (rekonsiliasi #{self.rekonsiliasi_id})"


class EksporSiks(models.Model):
    """One SIKS-NG list exported from decided findings (DOMAIN.md §7), kept for download."""

    class Jenis(models.TextChoices):
        USULAN = "usulan", "Usulan PBI-JK baru"
        NONAKTIF = "nonaktif", "Usulan penonaktifan"
        REAKTIVASI = "reaktivasi", "Reaktivasi PBI-JK"

    jenis = models.CharField(max_length=10, choices=Jenis)
    file = models.FileField(upload_to=_ekspor_path, max_length=200)
    jumlah_baris = models.PositiveIntegerField(default=0)
    jumlah_ditolak = models.PositiveIntegerField(default=0)
    dibuat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "ekspor SIKS-NG"
        verbose_name_plural = "ekspor SIKS-NG"

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} #{self.pk}"


class EksporSiksBaris(models.Model):
    """One finding in one SIKS-NG export; a person is reactivated once (DOMAIN.md §7)."""

    ekspor = models.ForeignKey(EksporSiks, on_delete=models.PROTECT, related_name="baris")
    temuan = models.ForeignKey(Temuan, on_delete=models.PROTECT, related_name="+")
    jenis = models.CharField(max_length=10, choices=EksporSiks.Jenis)
    nik = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ekspor", "id"]
        verbose_name_plural = "baris ekspor SIKS-NG"
        constraints = [
            models.UniqueConstraint(fields=["temuan"], name="ekspor_temuan_sekali"),
            # DOMAIN.md §7: PBI-JK reactivation once per person.
            models.UniqueConstraint(
                fields=["nik"], condition=Q(jenis="reaktivasi"), name="reaktivasi_sekali"
            ),
        ]
        indexes = [models.Index(fields=["nik", "jenis"], name="ekspor_baris_nik")]

    def __str__(self) -> str:
        return f"NIK {mask_nik(self.nik)} ({self.jenis})"
