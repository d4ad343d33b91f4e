"""Work-plan records the RHK items are computed from (DOMAIN.md §11; issue 20, D9).

RHK 7 monthly reports, RHK 8 directives with each recipient's acknowledgement, RHK 9
sosialisasi activities. RHK 1 (payouts per tahap) lives in `kpm.Penyaluran`, the family's data.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q

from dinsos.formatting import bulan_tahun, tanggal
from dinsos.models import User, Wilayah
from dinsos.pemrosesan import DasarHukum, Pemrosesan
from dinsos.uploads import stored_extension
from pendamping.models.pendamping import Pendamping

NARASI_MAKS = 4000
PESERTA_MAKS = 4000


class LaporanBulanan(models.Model):
    """RHK 7: one pendamping's report of one month: what happened, and a few counts."""

    pendamping = models.ForeignKey(
        Pendamping, on_delete=models.PROTECT, related_name="laporan_bulanan"
    )
    bulan = models.DateField(help_text="Hari pertama bulan yang dilaporkan.")
    narasi = models.TextField("uraian kegiatan", max_length=NARASI_MAKS)
    jumlah_kunjungan = models.PositiveIntegerField("kunjungan rumah", default=0)
    jumlah_p2k2 = models.PositiveIntegerField("pertemuan P2K2", default=0)
    jumlah_kasus = models.PositiveIntegerField("kasus ditangani", default=0)
    kendala = models.TextField(blank=True, max_length=NARASI_MAKS)
    dikirim_pada = models.DateTimeField("dikirim pada")
    # Against the deadline setting in force when it was sent (`laporan_bulanan_batas_hari`).
    is_terlambat = models.BooleanField("terlambat", default=False)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-bulan", "pendamping__nama", "id"]
        verbose_name = "laporan bulanan"
        verbose_name_plural = "laporan bulanan"
        constraints = [
            models.UniqueConstraint(
                fields=["pendamping", "bulan"], name="laporan_bulanan_satu_per_bulan"
            ),
            models.CheckConstraint(condition=Q(bulan__day=1), name="laporan_bulanan_hari_1"),
        ]

    def __str__(self) -> str:
        return f"Laporan {bulan_tahun(self.bulan)} — {self.pendamping.nama}"


class Arahan(models.Model):
    """RHK 8: a directive the koordinator gives the pendamping of their area."""

    judul = models.CharField(max_length=150)
    isi = models.TextField(max_length=NARASI_MAKS)
    tanggal = models.DateField("tanggal arahan")
    batas_tanggal = models.DateField("batas tindak lanjut", null=True, blank=True)
    dibuat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name = "arahan"
        verbose_name_plural = "arahan"
        constraints = [
            models.CheckConstraint(
                condition=Q(batas_tanggal__isnull=True) | Q(batas_tanggal__gte=F("tanggal")),
                name="arahan_batas_setelah_tanggal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judul} ({tanggal(self.tanggal)})"


class ArahanPenerima(models.Model):
    """One recipient of a directive, and when they acknowledged it (RHK 8)."""

    arahan = models.ForeignKey(Arahan, on_delete=models.CASCADE, related_name="penerima")
    pendamping = models.ForeignKey(
        Pendamping, on_delete=models.PROTECT, related_name="arahan_diterima"
    )
    diterima_pada = models.DateTimeField("dikonfirmasi pada", null=True, blank=True)
    tanggapan = models.CharField("tindak lanjut", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["arahan", "pendamping__nama", "id"]
        verbose_name = "penerima arahan"
        verbose_name_plural = "penerima arahan"
        constraints = [
            models.UniqueConstraint(fields=["arahan", "pendamping"], name="arahan_penerima_unik"),
        ]
        indexes = [models.Index(fields=["pendamping", "arahan"], name="arahan_pdp")]

    def __str__(self) -> str:
        return f"{self.arahan.judul} → {self.pendamping.nama}"


def _foto_path(instance: Sosialisasi, filename: str) -> str:
    # Unguessable, served only through an access-checked view; the extension comes from the
    # content (dinsos.uploads), never from the client.
    return f"pendamping/sosialisasi/{secrets.token_hex(16)}.{stored_extension(filename)}"


class Sosialisasi(models.Model):
    """RHK 9: a sosialisasi (publicity) activity held by a pendamping."""

    pendamping = models.ForeignKey(Pendamping, on_delete=models.PROTECT, related_name="sosialisasi")
    tanggal = models.DateField()
    tempat = models.CharField(max_length=200)
    kelurahan = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    topik = models.CharField(max_length=200)
    jumlah_peserta = models.PositiveIntegerField("jumlah peserta")
    peserta = models.TextField(
        "daftar peserta", blank=True, max_length=PESERTA_MAKS, help_text="Satu nama per baris."
    )
    foto = models.FileField(upload_to=_foto_path, blank=True)
    dicatat_oleh = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PEMROSESAN = Pemrosesan(
        tujuan="Bukti kegiatan sosialisasi pendamping (RHK 9, DOMAIN.md §11).",
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("peserta", "foto", "tempat"),
        subjek="Peserta sosialisasi",
        retensi="Selama masa penilaian kinerja; belum ada penghapusan otomatis",
    )

    class Meta:
        ordering = ["-tanggal", "-id"]
        verbose_name = "sosialisasi"
        verbose_name_plural = "sosialisasi"
        indexes = [models.Index(fields=["pendamping", "tanggal"], name="sosialisasi_pdp_tgl")]

    def __str__(self) -> str:
        return f"{self.topik} ({tanggal(self.tanggal)})"
