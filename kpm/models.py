"""The KPM registry: families, members, PKH components, status history and edit history."""

from __future__ import annotations

import datetime

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from dinsos.formatting import mask_nik, mask_no_kk
from dinsos.identity import validate_nik, validate_no_kk
from dinsos.models import User, Wilayah


class Komponen(models.TextChoices):
    """PKH components (DOMAIN.md §2), in the order of the Final Closing columns."""

    IBU_HAMIL = "ibu_hamil", "Ibu hamil/nifas"
    ANAK_USIA_DINI = "anak_usia_dini", "Anak usia dini"
    ANAK_SD = "anak_sd", "Anak SD/sederajat"
    ANAK_SMP = "anak_smp", "Anak SMP/sederajat"
    ANAK_SMA = "anak_sma", "Anak SMA/sederajat"
    DISABILITAS_BERAT = "disabilitas_berat", "Penyandang disabilitas berat"
    LANSIA = "lansia", "Lanjut usia"
    KORBAN_HAM = "korban_ham", "Korban pelanggaran HAM berat"


class Keluarga(models.Model):
    """A PKH beneficiary family (KPM), identified by its No KK."""

    class Status(models.TextChoices):
        AKTIF = "aktif", "Aktif"
        DITANGGUHKAN = "ditangguhkan", "Ditangguhkan"
        CALON_GRADUASI = "calon_graduasi", "Calon graduasi"
        GRADUASI = "graduasi", "Graduasi"
        DIBATALKAN = "dibatalkan", "Dibatalkan"

    # Families a pendamping still serves (their caseload): graduated and cancelled ones leave.
    DIDAMPINGI = (Status.AKTIF, Status.DITANGGUHKAN, Status.CALON_GRADUASI)

    no_kk = models.CharField("No KK", max_length=16, unique=True, validators=[validate_no_kk])
    kelurahan = models.ForeignKey(
        Wilayah,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"tingkat": Wilayah.Tingkat.KELURAHAN, "berlaku_sampai__isnull": True},
    )
    alamat = models.CharField(max_length=200, blank=True)
    # DOMAIN.md §8: keep leading zeros in RT/RW ("001").
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    status = models.CharField(max_length=15, choices=Status, default=Status.AKTIF)
    # Pendamping are users with the pendamping role; their profiles live in the pendamping
    # app, which sits above kpm (README, design).
    pendamping = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="keluarga_dampingan",
        limit_choices_to={"role": User.Role.PENDAMPING},
    )
    pengurus = models.OneToOneField(
        "Anggota", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tanggal_terdaftar = models.DateField(
        "terdaftar sejak", help_text="Tanggal keluarga mulai menerima PKH."
    )
    # DOMAIN.md §3: a desil belongs to a DTSEN snapshot date, never to a family forever.
    # Written by the dtsen app when a snapshot is applied.
    desil = models.PositiveSmallIntegerField(null=True, blank=True)
    desil_per = models.DateField("desil per tanggal", null=True, blank=True)
    # Derived from the members by kpm.services (components change with age and school level).
    komponen = ArrayField(
        models.CharField(max_length=20, choices=Komponen), default=list, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["no_kk"]
        verbose_name_plural = "keluarga"
        constraints = [
            models.CheckConstraint(condition=Q(no_kk__regex=r"^\d{16}$"), name="keluarga_no_kk_16"),
            models.CheckConstraint(
                condition=Q(desil__isnull=True) | Q(desil__gte=1, desil__lte=10),
                name="keluarga_desil_1_10",
            ),
            models.CheckConstraint(condition=Q(rt__regex=r"^\d{0,3}$"), name="keluarga_rt_angka"),
            models.CheckConstraint(condition=Q(rw__regex=r"^\d{0,3}$"), name="keluarga_rw_angka"),
        ]
        indexes = [
            models.Index(fields=["kelurahan", "status"], name="keluarga_kel_status"),
            models.Index(fields=["pendamping", "status"], name="keluarga_pdp_status"),
            # The list's pendamping filter ("pendamping with a family in scope"): one index-only
            # probe per pendamping and kelurahan instead of reading every family in scope
            # (bench/kpm_list.py at 100.000 families: 62 ms → 1 ms).
            models.Index(fields=["pendamping", "kelurahan"], name="keluarga_pdp_kelurahan"),
            models.Index(fields=["tanggal_terdaftar"], name="keluarga_terdaftar"),
            models.Index(fields=["desil"], name="keluarga_desil"),
            GinIndex(fields=["komponen"], name="keluarga_komponen_gin"),
            # Prefix search on No KK / NIK (LIKE '1872%') whatever the database collation.
            models.Index(
                fields=["no_kk"], opclasses=["varchar_pattern_ops"], name="keluarga_no_kk_prefix"
            ),
        ]

    def __str__(self) -> str:
        return f"KK {mask_no_kk(self.no_kk)}"

    @property
    def is_aktif(self) -> bool:
        return self.status == self.Status.AKTIF


class Anggota(models.Model):
    """A member of a KPM family (ART), identified by NIK."""

    class JenisKelamin(models.TextChoices):
        LAKI_LAKI = "L", "Laki-laki"
        PEREMPUAN = "P", "Perempuan"

    class Hubungan(models.TextChoices):
        KEPALA_KELUARGA = "kepala", "Kepala keluarga"
        ISTRI_SUAMI = "pasangan", "Istri/suami"
        ANAK = "anak", "Anak"
        MENANTU = "menantu", "Menantu"
        CUCU = "cucu", "Cucu"
        ORANG_TUA = "orang_tua", "Orang tua/mertua"
        FAMILI_LAIN = "famili", "Famili lain"

    class Jenjang(models.TextChoices):
        """School level the member is enrolled in (drives the SD/SMP/SMA components)."""

        TIDAK_SEKOLAH = "", "Tidak/belum sekolah"
        SD = "sd", "SD/sederajat"
        SMP = "smp", "SMP/sederajat"
        SMA = "sma", "SMA/sederajat"
        TAMAT_12_TAHUN = "tamat", "Tamat wajib belajar 12 tahun"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="anggota")
    nik = models.CharField("NIK", max_length=16, unique=True, validators=[validate_nik])
    nama = models.CharField(max_length=100)
    # Lower-case name without titles or punctuation: what the trigram search compares.
    nama_cari = models.CharField(max_length=100, editable=False, default="")
    jenis_kelamin = models.CharField(max_length=1, choices=JenisKelamin)
    tanggal_lahir = models.DateField()
    hubungan = models.CharField(max_length=10, choices=Hubungan)
    jenjang_sekolah = models.CharField(max_length=5, choices=Jenjang, blank=True, default="")
    is_hamil = models.BooleanField("hamil/nifas", default=False)
    is_disabilitas_berat = models.BooleanField("disabilitas berat", default=False)
    # DOMAIN.md §2: designated list only.
    is_korban_ham = models.BooleanField("korban pelanggaran HAM berat", default=False)
    komponen = ArrayField(
        models.CharField(max_length=20, choices=Komponen), default=list, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["keluarga_id", "tanggal_lahir", "id"]
        verbose_name_plural = "anggota"
        constraints = [
            models.CheckConstraint(condition=Q(nik__regex=r"^\d{16}$"), name="anggota_nik_16"),
        ]
        indexes = [
            GinIndex(fields=["nama_cari"], opclasses=["gin_trgm_ops"], name="anggota_nama_trgm"),
            models.Index(
                fields=["nik"], opclasses=["varchar_pattern_ops"], name="anggota_nik_prefix"
            ),
            GinIndex(fields=["komponen"], name="anggota_komponen_gin"),
        ]

    def __str__(self) -> str:
        return f"NIK {mask_nik(self.nik)}"


class RiwayatStatus(models.Model):
    """One status change of a family: who, when, from what to what, and why."""

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="riwayat_status")
    dari = models.CharField(max_length=15, choices=Keluarga.Status, blank=True)
    ke = models.CharField(max_length=15, choices=Keluarga.Status)
    alasan = models.TextField()
    oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "riwayat status"
        indexes = [models.Index(fields=["keluarga", "-created_at"], name="riwayat_status_kel")]

    def __str__(self) -> str:
        return f"{self.dari or '—'} → {self.ke}"


class RiwayatPerubahan(models.Model):
    """One edit of a family or member: the fields changed, old and new (identifiers masked)."""

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="riwayat_ubah")
    anggota = models.ForeignKey(
        Anggota, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    perubahan = models.JSONField(help_text="{field: [lama, baru]}")
    oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "riwayat perubahan"
        indexes = [models.Index(fields=["keluarga", "-created_at"], name="riwayat_ubah_kel")]

    def __str__(self) -> str:
        return ", ".join(self.perubahan)


class PerubahanDesil(models.Model):
    """One family's desil changed by one apply (a DTSEN snapshot, or an undo of one).

    Written by kpm.services.keluarga_desil_apply in the same statement that changes the
    desil, so an undo restores exactly what that apply changed (issue 15), never re-derived
    from older files. `sumber` names the apply, e.g. "dtsen.snapshot:12".
    """

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="+")
    sumber = models.CharField(max_length=60)
    desil_lama = models.PositiveSmallIntegerField(null=True)
    desil_per_lama = models.DateField(null=True)
    desil_baru = models.PositiveSmallIntegerField(null=True)
    desil_per_baru = models.DateField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "perubahan desil"
        indexes = [models.Index(fields=["sumber"], name="perubahan_desil_sumber")]

    def __str__(self) -> str:
        return f"{self.sumber}: {self.desil_lama} → {self.desil_baru}"


class NominalKomponen(models.Model):
    """The yearly amount of a component (DOMAIN.md §2: a dated table, not constants)."""

    tahun = models.PositiveSmallIntegerField()
    komponen = models.CharField(max_length=20, choices=Komponen)
    nominal_tahunan = models.PositiveIntegerField("nominal per tahun (Rp)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tahun", "komponen"]
        verbose_name_plural = "nominal komponen"
        constraints = [
            models.UniqueConstraint(fields=["tahun", "komponen"], name="nominal_tahun_komponen"),
            # DOMAIN.md §2: paid in 4 quarterly tahap, so the yearly amount divides by 4.
            models.CheckConstraint(
                condition=Q(nominal_tahunan__gte=0), name="nominal_tidak_negatif"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_komponen_display()} {self.tahun}"

    @property
    def nominal_per_tahap(self) -> int:
        return self.nominal_tahunan // 4


class KeluargaTidakAdaDiImpor(models.Model):
    """A family in the registry but missing from an imported Final Closing: followed up, never
    deleted (DOMAIN.md §7)."""

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="+")
    nama_file = models.CharField(max_length=200)
    diimpor_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    is_selesai = models.BooleanField("sudah ditindaklanjuti", default=False)
    catatan = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["is_selesai", "-created_at"]
        verbose_name = "keluarga tidak ada di impor"
        verbose_name_plural = "keluarga tidak ada di impor"

    def __str__(self) -> str:
        return f"{self.keluarga} tidak ada di {self.nama_file}"


# --- Verifikasi komitmen, usulan, graduasi, Sekolah Rakyat (DOMAIN.md §4, §5, §9) ------------
# DOMAIN.md §4: education is checked per school-age child, health per ibu hamil, anak usia
# dini, lansia and disabilitas berat. Korban HAM carries no commitment.
KOMPONEN_PENDIDIKAN: tuple[str, ...] = (Komponen.ANAK_SD, Komponen.ANAK_SMP, Komponen.ANAK_SMA)
KOMPONEN_KESEHATAN: tuple[str, ...] = (
    Komponen.IBU_HAMIL,
    Komponen.ANAK_USIA_DINI,
    Komponen.LANSIA,
    Komponen.DISABILITAS_BERAT,
)
KOMPONEN_KOMITMEN: tuple[str, ...] = KOMPONEN_PENDIDIKAN + KOMPONEN_KESEHATAN


class Komitmen(models.Model):
    """One member's compliance with one component's commitment in one month (DOMAIN.md §4)."""

    class Status(models.TextChoices):
        PATUH = "patuh", "Patuh"
        TIDAK_PATUH = "tidak_patuh", "Tidak patuh"
        TIDAK_DAPAT_DIVERIFIKASI = "tidak_diverifikasi", "Tidak dapat diverifikasi"

    class Sumber(models.TextChoices):
        MANUAL = "manual", "Dicatat pendamping"
        EPKH = "epkh", "Impor e-PKH"

    anggota = models.ForeignKey(Anggota, on_delete=models.PROTECT, related_name="komitmen")
    # Copied from the member when recorded: the rules and the area scope group by family
    # without joining 40.000 members (bench/komitmen.py).
    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="komitmen")
    komponen = models.CharField(max_length=20, choices=Komponen)
    bulan = models.DateField(help_text="Hari pertama bulan yang diverifikasi.")
    status = models.CharField(max_length=20, choices=Status)
    # Education (DOMAIN.md §4): attendance as a percentage of effective school days. When it
    # is recorded, the rules compare it with the threshold in force for that month.
    persen_kehadiran = models.DecimalField(
        "persen kehadiran", max_digits=5, decimal_places=2, null=True, blank=True
    )
    hari_efektif = models.PositiveSmallIntegerField("jumlah hari efektif", null=True, blank=True)
    alpa = models.PositiveSmallIntegerField(null=True, blank=True)
    izin = models.PositiveSmallIntegerField(null=True, blank=True)
    sakit = models.PositiveSmallIntegerField(null=True, blank=True)
    npsn = models.CharField("NPSN sekolah", max_length=8, blank=True)
    catatan = models.TextField(blank=True)
    sumber = models.CharField(max_length=10, choices=Sumber, default=Sumber.MANUAL)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-bulan", "keluarga_id", "anggota_id", "komponen"]
        verbose_name_plural = "komitmen"
        constraints = [
            models.UniqueConstraint(
                fields=["anggota", "komponen", "bulan"], name="komitmen_anggota_komponen_bulan"
            ),
            models.CheckConstraint(condition=Q(bulan__day=1), name="komitmen_bulan_hari_1"),
            models.CheckConstraint(
                condition=Q(persen_kehadiran__isnull=True)
                | Q(persen_kehadiran__gte=0, persen_kehadiran__lte=100),
                name="komitmen_persen_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["keluarga", "bulan"], name="komitmen_keluarga_bulan"),
            models.Index(fields=["bulan", "status"], name="komitmen_bulan_status"),
            models.Index(fields=["recorded_by", "created_at"], name="komitmen_pencatat"),
        ]

    def __str__(self) -> str:
        return f"{self.get_komponen_display()} {self.bulan:%m/%Y}: {self.get_status_display()}"


class UnggahanEpkh(models.Model):
    """An e-PKH file kept on the server between its preview and its confirmation.

    Issue 22: the preview used to carry the whole file, full NIKs included, in a hidden
    field. The page now carries only this row's id; only the uploader may confirm it
    (kpm.access.access_unggahan_epkh), and it is deleted once confirmed or, by the hourly
    cleanup, once older than UnggahanEpkh.BERLAKU.
    """

    BERLAKU = datetime.timedelta(hours=1)  # a preview may be confirmed within an hour

    diunggah_oleh = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField(help_text="Tahun bila judul berkas tidak memuatnya.")
    isi = models.BinaryField(help_text="Isi berkas CSV (paling besar 1 MB, kpm.epkh).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "unggahan e-PKH"
        verbose_name_plural = "unggahan e-PKH"
        indexes = [models.Index(fields=["created_at"], name="unggahan_epkh_created")]

    def __str__(self) -> str:
        return f"Unggahan e-PKH #{self.pk}"

    @property
    def berlaku_sampai(self) -> datetime.datetime:
        return self.created_at + self.BERLAKU


class Usulan(models.Model):
    """A proposal the system makes to the office (DOMAIN.md §4: "the system proposes and
    explains, the office decides"), with the months, meetings and figures behind it.

    One row per family, kind and run (`kunci`): re-evaluating the same period refreshes an
    open proposal and never reopens a decided one.
    """

    class Jenis(models.TextChoices):
        KOMITMEN = "komitmen", "Tidak patuh komitmen berturut-turut"
        P2K2_ALFA = "p2k2_alfa", "Alfa P2K2 berturut-turut"

    class Status(models.TextChoices):
        DIUSULKAN = "diusulkan", "Diusulkan"
        DITERIMA = "diterima", "Diterima"
        DITOLAK = "ditolak", "Ditolak"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="usulan")
    # Sources registered by apps above kpm may add kinds; unknown ones show their code.
    jenis = models.CharField(max_length=30, choices=Jenis)
    kunci = models.CharField(max_length=64, help_text="Awal runtun (bulan atau pertemuan).")
    tindakan = models.CharField(
        max_length=15, choices=Keluarga.Status, default=Keluarga.Status.DITANGGUHKAN
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DIUSULKAN)
    alasan = models.JSONField(help_text="Bulan, pertemuan dan angka di balik usulan.")
    ringkasan = models.TextField(help_text="Penjelasan usulan dalam satu paragraf.")
    periode_awal = models.DateField()
    periode_akhir = models.DateField()
    diputuskan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_at = models.DateTimeField(null=True, blank=True)
    catatan_keputusan = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "usulan"
        constraints = [
            models.UniqueConstraint(
                fields=["keluarga", "jenis", "kunci"], name="usulan_keluarga_jenis_kunci"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="usulan_status")]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} — {self.keluarga}"


class Graduasi(models.Model):
    """One family's exit from PKH (DOMAIN.md §5): aktif → calon graduasi → graduasi."""

    class Jenis(models.TextChoices):
        MANDIRI = "mandiri", "Graduasi mandiri"
        ALAMIAH = "alamiah", "Graduasi alamiah"
        PAKSA = "paksa", "Graduasi paksa"

    class Status(models.TextChoices):
        DIUSULKAN = "diusulkan", "Calon graduasi"
        DITERIMA = "diterima", "Graduasi"
        DITOLAK = "ditolak", "Ditolak"

    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="graduasi")
    # The pendamping when proposed: graduations count towards their yearly target.
    pendamping = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    jenis = models.CharField(max_length=10, choices=Jenis)
    status = models.CharField(max_length=10, choices=Status, default=Status.DIUSULKAN)
    alasan = models.TextField()
    # DOMAIN.md §5: mandiri carries the signed statement, paksa the village letter. Served
    # only through a view that checks access (never from a public media URL).
    # kpm.services names the file (a random name: the uploaded one may carry a person's name).
    bukti = models.FileField(upload_to="kpm/graduasi/%Y/", blank=True)
    bukti_tipe = models.CharField(max_length=30, blank=True)
    tanggal_usulan = models.DateField()
    tanggal_graduasi = models.DateField(null=True, blank=True)
    nomor_surat = models.CharField(max_length=50, blank=True)
    diusulkan_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    diputuskan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_at = models.DateTimeField(null=True, blank=True)
    catatan_keputusan = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tanggal_usulan", "-id"]
        verbose_name_plural = "graduasi"
        constraints = [
            models.UniqueConstraint(
                fields=["keluarga"],
                condition=Q(status="diusulkan"),
                name="graduasi_satu_usulan_terbuka",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "tanggal_graduasi"], name="graduasi_status_tanggal"),
            models.Index(fields=["pendamping", "tanggal_graduasi"], name="graduasi_pendamping"),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} — {self.keluarga}"


class KandidatSekolahRakyat(models.Model):
    """A child confirmed (or not) as a Sekolah Rakyat candidate by a home visit (DOMAIN.md §9).

    The candidate list itself is computed from desil and age; a row exists once the
    pendamping has recorded the visit for that school year.
    """

    class Jenjang(models.TextChoices):
        SD = "sd", "SD"
        SMP = "smp", "SMP"
        SMA = "sma", "SMA"

    class Status(models.TextChoices):
        DIKONFIRMASI = "dikonfirmasi", "Dikonfirmasi, orang tua setuju"
        TIDAK_SETUJU = "tidak_setuju", "Orang tua tidak setuju"
        TIDAK_DITEMUI = "tidak_ditemui", "Keluarga tidak ditemui"

    anggota = models.ForeignKey(Anggota, on_delete=models.PROTECT, related_name="sekolah_rakyat")
    keluarga = models.ForeignKey(Keluarga, on_delete=models.PROTECT, related_name="+")
    tahun_ajaran = models.PositiveSmallIntegerField(help_text="Tahun masuk (Juli).")
    tanggal_acuan = models.DateField("umur per tanggal")
    jenjang = models.CharField(max_length=3, choices=Jenjang)
    umur = models.PositiveSmallIntegerField()
    # DOMAIN.md §3: a desil belongs to a snapshot date; the one in force when visited.
    desil = models.PositiveSmallIntegerField()
    desil_per = models.DateField(null=True, blank=True)
    is_cadangan = models.BooleanField("cadangan (desil 3)", default=False)
    tanggal_kunjungan = models.DateField(null=True, blank=True)
    is_persetujuan_ortu = models.BooleanField("orang tua setuju", default=False)
    status = models.CharField(max_length=15, choices=Status)
    catatan = models.TextField(blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tahun_ajaran", "keluarga_id", "anggota_id"]
        verbose_name = "kandidat Sekolah Rakyat"
        verbose_name_plural = "kandidat Sekolah Rakyat"
        constraints = [
            models.UniqueConstraint(
                fields=["anggota", "tahun_ajaran"], name="sekolah_rakyat_anggota_tahun"
            ),
            models.CheckConstraint(
                condition=~Q(status="dikonfirmasi")
                | Q(is_persetujuan_ortu=True, tanggal_kunjungan__isnull=False),
                name="sekolah_rakyat_konfirmasi_ada_persetujuan",
            ),
        ]

    def __str__(self) -> str:
        return f"Sekolah Rakyat {self.tahun_ajaran}: {self.anggota}"
