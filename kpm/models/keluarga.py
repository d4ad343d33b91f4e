"""The KPM registry: families, members, PKH components, status history and edit history."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from dinsos.formatting import mask_nik, mask_no_kk
from dinsos.identity import validate_nik, validate_no_kk
from dinsos.models import User, Wilayah
from dinsos.pemrosesan import (
    AKSES_KANTOR,
    ANAK,
    KESEHATAN,
    KEUANGAN,
    PENERIMA_KEMENSOS,
    DasarHukum,
    Pemrosesan,
)


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

    PEMROSESAN = Pemrosesan(
        tujuan="Penetapan dan penyaluran bantuan PKH kepada keluarga penerima (DOMAIN.md §2).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("no_kk", "alamat", "rt", "rw", "kelurahan", "status", "desil", "komponen"),
        spesifik={"desil": KEUANGAN, "komponen": KEUANGAN},
        subjek="Keluarga penerima manfaat (KPM)",
        penerima=(PENERIMA_KEMENSOS,),
    )

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
            # Area scoping (`kelurahan IN (…)`) reads the area's family ids from this index
            # alone, with the pendamping for a pendamping's scope and the head for the lists
            # by name (issue 21: the hash of a province's 100.000 families behind a Beranda
            # count 120 → 20 ms; the families due a visit counted without their rows).
            models.Index(
                fields=["kelurahan", "status"],
                include=["id", "pendamping", "pengurus"],
                name="keluarga_kel_status_isi",
            ),
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

    PEMROSESAN = Pemrosesan(
        tujuan="Menentukan komponen PKH tiap anggota dan memverifikasi komitmennya.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan", "jenjang_sekolah"),
        spesifik={
            "is_hamil": KESEHATAN,
            "is_disabilitas_berat": KESEHATAN,
            "tanggal_lahir": ANAK,
            "jenjang_sekolah": ANAK,
            "komponen": KEUANGAN,
        },
        penerima=(PENERIMA_KEMENSOS,),
    )

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
            # Lists ordered by the head's name read a page by walking names in order (issue 21:
            # families due a visit, pendamping.selectors.keluarga).
            models.Index(fields=["nama", "id"], name="anggota_nama_urut"),
            # The same by search name (issue 21: the komitmen month view, by pengurus__nama_cari).
            models.Index(fields=["nama_cari", "id"], name="anggota_nama_cari_urut"),
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

    PEMROSESAN = Pemrosesan(
        tujuan="Riwayat status kepesertaan keluarga: siapa mengubah, kapan dan mengapa.",
        dasar_hukum=DasarHukum.KEWAJIBAN_HUKUM,
        data=("keluarga", "dari", "ke", "alasan"),
        subjek="Keluarga penerima manfaat (KPM)",
    )

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

    PEMROSESAN = Pemrosesan(
        tujuan="Riwayat perubahan data keluarga dan anggota (nilai lama dan baru, tersamar).",
        dasar_hukum=DasarHukum.KEWAJIBAN_HUKUM,
        data=("keluarga", "anggota", "perubahan"),
    )

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

    PEMROSESAN = Pemrosesan(
        tujuan="Desil lama dan baru tiap penerapan DTSEN, agar penerapan bisa dibatalkan.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "desil_lama", "desil_baru"),
        spesifik={"desil_lama": KEUANGAN, "desil_baru": KEUANGAN},
        subjek="Keluarga penerima manfaat (KPM)",
        akses=AKSES_KANTOR,
    )

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

    PEMROSESAN = Pemrosesan(
        tujuan="Tindak lanjut keluarga yang tidak ada di Final Closing (DOMAIN.md §7).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "catatan"),
        subjek="Keluarga penerima manfaat (KPM)",
        akses=AKSES_KANTOR,
    )

    class Meta:
        ordering = ["is_selesai", "-created_at"]
        verbose_name = "keluarga tidak ada di impor"
        verbose_name_plural = "keluarga tidak ada di impor"

    def __str__(self) -> str:
        return f"{self.keluarga} tidak ada di {self.nama_file}"


class PermintaanPembatasan(models.Model):
    """A data subject's request to restrict the processing of their data, or an objection to
    it (UU 27/2022; DOMAIN.md §10: answered within 3×24 hours of receipt).

    A request covers the whole family (the No KK and the member list reveal every member),
    whether it came from one member (`anggota`, found by NIK) or for the family. While it is
    waiting or granted (`BERLAKU`) the family is left out of every scoped list, search and
    export (kpm.access.scope_keluarga, exclude_dibatasi, and the export writer); what keeps
    running is the legal minimum: status, components and payment of the aid.

    A request without a family is about a person another app registers (a PMKS client of
    pendamping, issue 20): that app links it to its person, hides them, and answers the
    hooks `pembatasan_terlihat` / `pembatasan_subjek` for this register's list and page.
    """

    class Jenis(models.TextChoices):
        PEMBATASAN = "pembatasan", "Pembatasan pemrosesan"
        KEBERATAN = "keberatan", "Keberatan atas pemrosesan"

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", "Menunggu keputusan"
        DIKABULKAN = "dikabulkan", "Dikabulkan (data dibatasi)"
        DITOLAK = "ditolak", "Ditolak"
        DICABUT = "dicabut", "Pembatasan dicabut"

    # Hidden from the moment the request is received: the 3×24 h are for deciding, and a
    # request later refused has cost nothing but a few days out of the lists.
    BERLAKU = (Status.MENUNGGU, Status.DIKABULKAN)

    jenis = models.CharField(max_length=10, choices=Jenis, default=Jenis.PEMBATASAN)
    keluarga = models.ForeignKey(
        Keluarga, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    anggota = models.ForeignKey(
        Anggota, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diterima_at = models.DateTimeField("diterima")
    dasar = models.TextField("dasar permintaan")
    tenggat = models.DateTimeField("tenggat keputusan")
    status = models.CharField(max_length=10, choices=Status, default=Status.MENUNGGU)
    catatan_keputusan = models.TextField(blank=True)
    diputuskan_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diputuskan_at = models.DateTimeField(null=True, blank=True)
    dicabut_at = models.DateTimeField("dicabut", null=True, blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Mencatat dan menjalankan permintaan pembatasan/keberatan subjek data.",
        dasar_hukum=DasarHukum.KEWAJIBAN_HUKUM,
        data=("keluarga", "anggota", "dasar", "catatan_keputusan"),
        akses=AKSES_KANTOR,
    )

    class Meta:
        ordering = ["tenggat", "id"]
        verbose_name = "permintaan pembatasan"
        verbose_name_plural = "permintaan pembatasan"
        indexes = [
            models.Index(fields=["status", "tenggat"], name="pembatasan_status_tenggat"),
            models.Index(fields=["keluarga", "status"], name="pembatasan_keluarga_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(tenggat__gte=models.F("diterima_at")), name="pembatasan_tenggat"
            ),
            models.CheckConstraint(
                condition=Q(anggota__isnull=True) | Q(keluarga__isnull=False),
                name="pembatasan_anggota_dalam_keluarga",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.keluarga or 'orang bukan KPM'}"

    @property
    def is_berlaku(self) -> bool:
        return self.status in self.BERLAKU
