"""Complaints (pengaduan) with deadlines, their history, attachments and extra closing days.

A complaint comes from anyone: a KPM family or member found in the registry, or any person by
name, NIK and contact. It is routed to whoever holds it (`petugas`): the family's pendamping,
an office officer, or the koordinator when it is about a pendamping (issue 18). Deadlines are
working days (pengaduan/tenggat.py) set by category from dated settings (dinsos.pengaturan).
"""

from __future__ import annotations

import datetime
import secrets

from django.db import models
from django.db.models import F, Q

from dinsos.formatting import mask_identifiers, mask_nik
from dinsos.identity import validate_nik
from dinsos.models import User, Wilayah
from dinsos.pemrosesan import AKSES_KANTOR, KESEHATAN, PENERIMA_RUJUKAN, DasarHukum, Pemrosesan
from dinsos.uploads import stored_extension

# A ticket reveals nothing: random, not sequential, not derived from the NIK. 10 characters
# from 24 letters and digits that are hard to misread (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B):
# 24**10 ≈ 6·10**13 tickets, read aloud over the phone without spelling doubts.
TIKET_ALFABET = "ACDEFHJKMNPQRTUVWXY34679"
TIKET_PANJANG = 10
TIKET_PATTERN = rf"^[{TIKET_ALFABET}]{{{TIKET_PANJANG}}}$"
NIK_PATTERN = r"^\d{16}$"  # DOMAIN.md §8: a NIK is 16 digits
TELEPON_PATTERN = r"^\+?\d{8,15}$"


def tiket_baru() -> str:
    """A fresh random ticket number (uniqueness is the database's: see the constraint)."""
    return "".join(secrets.choice(TIKET_ALFABET) for _ in range(TIKET_PANJANG))


class Pengaduan(models.Model):
    """One complaint, from its receipt to its closing with an outcome and a response."""

    class Kanal(models.TextChoices):
        LOKET = "loket", "Loket"
        TELEPON = "telepon", "Telepon/WA"
        PENDAMPING = "pendamping", "Melalui pendamping"
        SURAT = "surat", "Surat"
        ONLINE = "online", "Online"

    class Kategori(models.TextChoices):
        BANSOS_TIDAK_DITERIMA = "bansos_tidak_diterima", "Bansos tidak diterima"
        NOMINAL_TIDAK_SESUAI = "nominal_tidak_sesuai", "Nominal tidak sesuai"
        PBIJK_NONAKTIF = "pbijk_nonaktif", "PBI-JK nonaktif"
        USUL_DTSEN = "usul_dtsen", "Ingin diusulkan masuk DTSEN"
        DATA_SALAH = "data_salah", "Data salah"
        PERILAKU_PETUGAS = "perilaku_petugas", "Perilaku petugas/pendamping"
        LAINNYA = "lainnya", "Lainnya"

    class Status(models.TextChoices):
        DITERIMA = "diterima", "Diterima"
        DITANGANI = "ditangani", "Sedang ditangani"
        DITUTUP = "ditutup", "Selesai"

    class Hasil(models.TextChoices):
        SELESAI = "selesai", "Selesai (ditindaklanjuti)"
        TIDAK_TERBUKTI = "tidak_terbukti", "Tidak terbukti"
        DIRUJUK = "dirujuk", "Dirujuk ke layanan lain"

    tiket = models.CharField("nomor tiket", max_length=TIKET_PANJANG, unique=True)
    kanal = models.CharField(max_length=10, choices=Kanal)
    kategori = models.CharField(max_length=25, choices=Kategori)
    deskripsi = models.TextField(max_length=4000)
    # The complainant: a registry family/member, or any person (not necessarily in the registry).
    keluarga = models.ForeignKey(
        "kpm.Keluarga", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    anggota = models.ForeignKey(
        "kpm.Anggota", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nama = models.CharField("nama pengadu", max_length=100)
    nik = models.CharField("NIK", max_length=16, blank=True, validators=[validate_nik])
    telepon = models.CharField(max_length=16, blank=True)
    alamat = models.CharField(max_length=200, blank=True)
    # Where the complaint comes from: the family's kelurahan, or the one the person gave.
    kelurahan = models.ForeignKey(
        Wilayah,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"tingkat": Wilayah.Tingkat.KELURAHAN, "berlaku_sampai__isnull": True},
    )
    kecamatan = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    # A complaint about a pendamping is never shown to that pendamping (issue 18).
    tentang_pendamping = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": User.Role.PENDAMPING},
        verbose_name="pendamping yang diadukan",
    )
    petugas = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="pengaduan_dipegang", verbose_name="petugas"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DITERIMA)
    hasil = models.CharField(max_length=15, choices=Hasil, blank=True)
    tanggal_terima = models.DateField("tanggal diterima")
    tenggat_jawab = models.DateField("tenggat jawaban pertama")
    tenggat_selesai = models.DateField("tenggat selesai")
    tanggal_jawab = models.DateField("tanggal jawaban pertama", null=True, blank=True)
    tanggal_tutup = models.DateField("tanggal selesai", null=True, blank=True)
    # The office's answer as the complainant may read it (public status page, letter).
    tanggapan_publik = models.TextField("tanggapan untuk pengadu", max_length=4000, blank=True)
    dieskalasi_at = models.DateTimeField("dieskalasi ke koordinator", null=True, blank=True)
    # Follow-up in the other apps (issue 18 "Actions").
    temuan = models.ForeignKey(
        "dtsen.Temuan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kasus = models.ForeignKey(
        "pendamping.Kasus", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rujukan = models.ForeignKey(
        "pendamping.Rujukan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Menerima, menindaklanjuti dan menjawab pengaduan masyarakat.",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("nama", "nik", "telepon", "alamat", "deskripsi", "keluarga", "anggota"),
        spesifik={"deskripsi": KESEHATAN},
        subjek="Pengadu dan orang yang diadukan",
        akses=AKSES_KANTOR,
        penerima=(PENERIMA_RUJUKAN,),
    )

    class Meta:
        ordering = ["-tanggal_terima", "-id"]
        verbose_name_plural = "pengaduan"
        constraints = [
            models.CheckConstraint(
                condition=Q(tiket__regex=TIKET_PATTERN), name="pengaduan_tiket_format"
            ),
            models.CheckConstraint(
                condition=Q(nik="") | Q(nik__regex=NIK_PATTERN), name="pengaduan_nik_16"
            ),
            models.CheckConstraint(
                condition=Q(telepon="") | Q(telepon__regex=TELEPON_PATTERN),
                name="pengaduan_telepon_format",
            ),
            models.CheckConstraint(
                condition=Q(tenggat_jawab__gte=F("tanggal_terima"))
                & Q(tenggat_selesai__gte=F("tenggat_jawab")),
                name="pengaduan_tenggat_urut",
            ),
            # Answered once the first response is given; closed with an outcome and a date.
            models.CheckConstraint(
                condition=(Q(status="diterima") & Q(tanggal_jawab__isnull=True))
                | (~Q(status="diterima") & Q(tanggal_jawab__gte=F("tanggal_terima"))),
                name="pengaduan_jawab_sesuai_status",
            ),
            models.CheckConstraint(
                condition=(Q(status="ditutup") & ~Q(hasil="") & Q(tanggal_tutup__isnull=False))
                | (~Q(status="ditutup") & Q(hasil="") & Q(tanggal_tutup__isnull=True)),
                name="pengaduan_tutup_sesuai_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="ditutup") | ~Q(tanggapan_publik=""),
                name="pengaduan_tutup_dengan_tanggapan",
            ),
            models.CheckConstraint(
                condition=Q(tentang_pendamping__isnull=True) | ~Q(petugas=F("tentang_pendamping")),
                name="pengaduan_bukan_dipegang_teradu",
            ),
        ]
        indexes = [
            # The list and the Beranda: open complaints a user holds, by deadline.
            models.Index(
                fields=["petugas", "tenggat_jawab"],
                condition=~Q(status="ditutup"),
                name="pengaduan_terbuka_petugas",
            ),
            # The monthly figures and the list's month filter.
            models.Index(fields=["tanggal_terima", "kecamatan"], name="pengaduan_terima"),
            models.Index(fields=["kelurahan", "tanggal_terima"], name="pengaduan_kel_terima"),
        ]

    def __str__(self) -> str:
        return f"Pengaduan {self.tiket}"

    @property
    def is_ditutup(self) -> bool:
        return self.status == self.Status.DITUTUP

    @property
    def is_dijawab(self) -> bool:
        return self.tanggal_jawab is not None

    @property
    def tenggat_berlaku(self) -> datetime.date:
        """The deadline that applies now: the first answer's until it is given."""
        return self.tenggat_selesai if self.is_dijawab else self.tenggat_jawab

    @property
    def tanggal_pembaruan(self) -> datetime.date:
        """The last change the complainant can see: received, answered or closed."""
        return self.tanggal_tutup or self.tanggal_jawab or self.tanggal_terima

    @property
    def nik_tersamar(self) -> str:
        return mask_nik(self.nik)

    @property
    def telepon_tersamar(self) -> str:
        return f"••••{self.telepon[-4:]}" if self.telepon else ""


class Riwayat(models.Model):
    """One step of a complaint: a note, a response, a reassignment, an escalation, a close."""

    class Jenis(models.TextChoices):
        DICATAT = "dicatat", "Dicatat"
        CATATAN = "catatan", "Catatan internal"
        TANGGAPAN = "tanggapan", "Tanggapan kepada pengadu"
        DIALIHKAN = "dialihkan", "Dialihkan"
        ESKALASI = "eskalasi", "Dieskalasi ke koordinator"
        TINDAK_LANJUT = "tindak_lanjut", "Tindak lanjut"
        DITUTUP = "ditutup", "Ditutup"

    pengaduan = models.ForeignKey(Pengaduan, on_delete=models.CASCADE, related_name="riwayat")
    jenis = models.CharField(max_length=15, choices=Jenis)
    isi = models.TextField(max_length=4000, blank=True)
    oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "riwayat pengaduan"
        verbose_name_plural = "riwayat pengaduan"
        constraints = [
            # The escalation task may run twice (beat retry, duplicate delivery): one row only.
            models.UniqueConstraint(
                fields=["pengaduan"], condition=Q(jenis="eskalasi"), name="riwayat_eskalasi_sekali"
            )
        ]
        indexes = [models.Index(fields=["pengaduan", "created_at"], name="riwayat_pengaduan")]

    def __str__(self) -> str:
        return f"{self.get_jenis_display()} {self.created_at:%Y-%m-%d}"


def _lampiran_path(instance: Lampiran, filename: str) -> str:
    # An unguessable name (served only through an access-checked view) whose extension is
    # never the client's (dinsos.uploads).
    return f"pengaduan/lampiran/{secrets.token_hex(16)}.{stored_extension(filename)}"


class Lampiran(models.Model):
    """A document or photo attached to a complaint (a letter, a receipt, a KTP scan)."""

    pengaduan = models.ForeignKey(Pengaduan, on_delete=models.CASCADE, related_name="lampiran")
    berkas = models.FileField(upload_to=_lampiran_path, max_length=200)
    keterangan = models.CharField(max_length=100)
    tipe = models.CharField(max_length=40, blank=True)  # content type found by its bytes
    diunggah_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "lampiran"

    def __str__(self) -> str:
        return f"Lampiran {mask_identifiers(self.keterangan)}"


class HariLibur(models.Model):
    """A day the office is closed beyond the public holidays the `holidays` library knows:
    cuti bersama (set yearly by joint ministerial decree, not in the library) or a local
    closing day. Deadlines skip these days."""

    tanggal = models.DateField(unique=True)
    keterangan = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tanggal"]
        verbose_name = "hari libur kantor"
        verbose_name_plural = "hari libur kantor"

    def __str__(self) -> str:
        return f"{self.tanggal.isoformat()} {self.keterangan}"
