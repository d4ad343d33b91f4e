"""Reconciliation (issue #7): runs, findings, their follow-up trail, SIKS-NG exports."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from dinsos.formatting import mask_nik
from dinsos.models import User, Wilayah
from dinsos.pemrosesan import AKSES_KANTOR, KEUANGAN, PENERIMA_KEMENSOS
from dinsos.uploads import stored_extension
from dtsen.models.snapshot import BATAS_TANPA_KEMAJUAN, PEMROSESAN_REKONSILIASI, Snapshot

# --- Reconciliation (issue #7): runs, findings, their follow-up trail, SIKS-NG exports -------
# PBI-JK status texts that mean the person no longer has state-paid cover ("nonaktif",
# "non aktif", "non-aktif", "tidak aktif", "dinonaktifkan"); anything else counts as active.
PBIJK_NONAKTIF_REGEX = r"non\s*-?\s*aktif|tidak\s+aktif"
_KELURAHAN = ["kelurahan", "closed_at", "kategori"]  # temuan_kelurahan_isi (Temuan.Meta)
_ISI = ["pendamping", "tahap", "kecamatan", "jenis", "keluarga", "nik", "no_kk"]


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
    )  # temuan_kelurahan_isi serves it
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
    # No indexes on the run columns (updates stay HOT). last_seen_run is written when a run
    # creates, changes, reopens or closes the finding; an open finding is seen by the latest
    # finished run of its kind and area (access.temuan.run_terakhir).
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

    PEMROSESAN = PEMROSESAN_REKONSILIASI(
        tujuan="Temuan rekonsiliasi untuk cek lapangan dan pemutakhiran (DOMAIN.md §7, §10).",
        data=("nik", "no_kk", "nama", "keluarga", "anggota", "rincian", "keputusan"),
        spesifik={"rincian": KEUANGAN},
        penerima=(PENERIMA_KEMENSOS,),
    )

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
            # Scoped counts read only this index (issue 21: 600 → 40 ms; no run column: HOT).
            models.Index(fields=_KELURAHAN, include=_ISI, name="temuan_kelurahan_isi"),
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

    PEMROSESAN = PEMROSESAN_REKONSILIASI(
        tujuan="Hasil mentah satu rekonsiliasi sebelum digabung ke temuan.",
        data=("nik", "no_kk", "nama", "rincian"),
        akses=AKSES_KANTOR,
        retensi="Selama rekonsiliasi disimpan; belum ada penghapusan otomatis",
        nama="hasil rekonsiliasi",
    )

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

    PEMROSESAN = PEMROSESAN_REKONSILIASI(
        tujuan="Siapa yang sudah dikirim ke SIKS-NG, agar tidak terkirim dua kali.",
        data=("nik", "temuan"),
        akses=AKSES_KANTOR,
        penerima=(PENERIMA_KEMENSOS,),
    )

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
