"""The whole PSKS workforce and the PMKS clients who are not KPM (issue 20, D11).

`JenisPsks` holds the worker types (ASN, pendamping PKH, Rehsos, TKSK, PSM, Karang Taruna,
LKS…) as rows the admin edits; `Pendamping.jenis` points at its `kode`. `KlienPmks` is a
person the workforce serves outside PKH (a neglected elderly person, a street child…), with
a PMKS category from `KategoriPmks`; cases, referrals and visits may be recorded for one
instead of a KPM family.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dinsos.formatting import mask_nik
from dinsos.identity import validate_nik
from dinsos.models import User, Wilayah
from dinsos.pemrosesan import ANAK, KESEHATAN, DasarHukum, Pemrosesan
from kpm.models import PermintaanPembatasan

# Who sees a client (pendamping.access.scope_klien), for the record of processing activities.
AKSES_KLIEN = (
    "Admin; operator dan koordinator di wilayahnya; pendamping/PSKS hanya klien yang ia tangani."
)

# DOMAIN.md §8: a NIK is 16 digits (same rule as pendamping.models.pendamping.NIK_PATTERN).
_NIK_PATTERN = r"^\d{16}$"


class JenisPsks(models.Model):
    """A kind of social-welfare worker (PSKS) and the rules that differ by kind."""

    kode = models.SlugField("kode", max_length=20, unique=True)
    nama = models.CharField("nama", max_length=100)
    batas_beban = models.PositiveIntegerField(
        "batas beban",
        null=True,
        blank=True,
        help_text=(
            "Keluarga/klien paling banyak per orang. Kosongkan untuk memakai pengaturan "
            "pendamping_batas_keluarga (DOMAIN.md §11: 350, 150 di wilayah sulit)."
        ),
    )
    is_ikut_keluarga = models.BooleanField(
        "mendampingi keluarga KPM",
        default=False,
        help_text="Ya: diberi keluarga KPM lewat penugasan. Tidak: melayani klien PMKS.",
    )
    is_aktif = models.BooleanField("aktif", default=True)
    urutan = models.PositiveSmallIntegerField("urutan", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["urutan", "nama"]
        verbose_name = "jenis PSKS"
        verbose_name_plural = "jenis PSKS"

    def __str__(self) -> str:
        return self.nama


class KategoriPmks(models.Model):
    """A category of PMKS (pemerlu pelayanan kesejahteraan sosial), e.g. lansia terlantar."""

    kode = models.SlugField("kode", max_length=40, unique=True)
    nama = models.CharField("nama", max_length=120)
    is_aktif = models.BooleanField("aktif", default=True)
    urutan = models.PositiveSmallIntegerField("urutan", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["urutan", "nama"]
        verbose_name = "kategori PMKS"
        verbose_name_plural = "kategori PMKS"

    def __str__(self) -> str:
        return self.nama


class KlienPmks(models.Model):
    """A person the workforce serves who is not (or not yet) in a KPM family."""

    class JenisKelamin(models.TextChoices):
        LAKI_LAKI = "L", "Laki-laki"
        PEREMPUAN = "P", "Perempuan"

    nama = models.CharField("nama", max_length=100)
    nik = models.CharField(
        "NIK",
        max_length=16,
        blank=True,
        default="",
        validators=[validate_nik],
        help_text="Boleh kosong bila belum punya NIK (mis. anak jalanan, gelandangan).",
    )
    jenis_kelamin = models.CharField("jenis kelamin", max_length=1, choices=JenisKelamin)
    tanggal_lahir = models.DateField("tanggal lahir", null=True, blank=True)
    alamat = models.CharField("alamat", max_length=200, blank=True)
    kelurahan = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="+", verbose_name="kelurahan"
    )
    kategori = models.ForeignKey(
        KategoriPmks, on_delete=models.PROTECT, related_name="klien", verbose_name="kategori PMKS"
    )
    pendamping = models.ForeignKey(
        "pendamping.Pendamping",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="klien",
        verbose_name="petugas yang menangani",
    )
    keterangan = models.TextField("keterangan", max_length=2000, blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Pelayanan kesejahteraan sosial bagi PMKS bukan KPM (kasus, rujukan, kunjungan).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("nama", "nik", "jenis_kelamin", "tanggal_lahir", "alamat", "kelurahan", "kategori"),
        spesifik={"kategori": KESEHATAN, "tanggal_lahir": ANAK},
        subjek="Klien PMKS bukan KPM",
        akses=AKSES_KLIEN,
    )

    class Meta:
        ordering = ["nama", "id"]
        verbose_name = "klien PMKS"
        verbose_name_plural = "klien PMKS"
        constraints = [
            models.CheckConstraint(
                condition=Q(nik="") | Q(nik__regex=_NIK_PATTERN), name="klien_pmks_nik_16"
            ),
            models.UniqueConstraint(
                fields=["nik"], condition=~Q(nik=""), name="klien_pmks_nik_unik"
            ),
        ]
        indexes = [
            models.Index(fields=["kelurahan", "nama"], name="klien_pmks_kel_nama"),
            models.Index(fields=["pendamping", "nama"], name="klien_pmks_pdp_nama"),
        ]

    def __str__(self) -> str:
        return f"Klien {self.nama}"

    @property
    def nik_tersamar(self) -> str:
        return mask_nik(self.nik) if self.nik else "—"


class PembatasanKlien(models.Model):
    """A PMKS client's restriction or objection request (UU 27/2022; DOMAIN.md §10).

    The request itself is a row of kpm's register (`kpm.PermintaanPembatasan` without a
    family): one list, one 3×24 h deadline and one decision for the admin, whoever the
    person is. This row says which client it is about. While the request is waiting or
    granted the client is left out of every scoped list and export (pendamping.access
    .scope_klien: the register, their cases, referrals and visits) and the export writer
    drops rows holding their NIK; nothing is deleted.
    """

    permintaan = models.OneToOneField(
        PermintaanPembatasan, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    klien = models.ForeignKey(KlienPmks, on_delete=models.PROTECT, related_name="pembatasan")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Menjalankan permintaan pembatasan/keberatan klien PMKS.",
        dasar_hukum=DasarHukum.KEWAJIBAN_HUKUM,
        data=("permintaan", "klien"),
        subjek="Klien PMKS bukan KPM",
        akses="Admin; operator dan koordinator di wilayah klien.",
    )

    class Meta:
        ordering = ["-created_at", "permintaan_id"]
        verbose_name = "pembatasan klien PMKS"
        verbose_name_plural = "pembatasan klien PMKS"

    def __str__(self) -> str:
        return f"Pembatasan {self.klien}"
