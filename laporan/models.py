"""The monthly rakor report (issue 19): frozen figures and the files made from them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dinsos.formatting import bulan_tahun
from dinsos.models import User, Wilayah


def _berkas_path(instance: LaporanBulanan, filename: str) -> str:
    # Never a name the user typed: the month, the area's code and the version.
    return f"laporan/{instance.bulan:%Y-%m}/{instance.wilayah.kode}-v{instance.versi}-{filename}"


class LaporanBulanan(models.Model):
    """One version of the report of one month for one area (the city, or a kecamatan).

    `data` holds every figure as it was when the report was built, so the page, the PDF and
    the XLSX never change when the records behind them do; "buat ulang" adds a new version
    and keeps this one as history.
    """

    class Status(models.TextChoices):
        MENUNGGU = "menunggu", "Menunggu diproses"
        BERJALAN = "berjalan", "Sedang disusun"
        SELESAI = "selesai", "Selesai"
        GAGAL = "gagal", "Gagal"

    class Sumber(models.TextChoices):
        PERMINTAAN = "permintaan", "Dibuat petugas"
        JADWAL = "jadwal", "Terjadwal (tanggal 1)"

    bulan = models.DateField(help_text="Hari pertama bulan yang dilaporkan.")
    wilayah = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    versi = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status, default=Status.MENUNGGU)
    tahap = models.CharField(max_length=80, blank=True)
    progres = models.PositiveSmallIntegerField(default=0, help_text="Persen selesai.")
    sumber = models.CharField(max_length=10, choices=Sumber, default=Sumber.PERMINTAAN)
    dibuat_oleh = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True, help_text="Angka yang dibekukan.")
    berkas_pdf = models.FileField(upload_to=_berkas_path, max_length=200, blank=True)
    berkas_xlsx = models.FileField(upload_to=_berkas_path, max_length=200, blank=True)
    # Issue 21: the same report without the workforce section, for users who may not see it;
    # made from the frozen figures on the first such download and kept (WeasyPrint takes
    # ~0,9 s; the report never changes, a rebuild is a new version).
    berkas_pdf_umum = models.FileField(upload_to=_berkas_path, max_length=200, blank=True)
    berkas_xlsx_umum = models.FileField(upload_to=_berkas_path, max_length=200, blank=True)
    durasi = models.JSONField(default=dict, blank=True)  # seconds per stage: read by bench/
    pesan_gagal = models.TextField(blank=True)
    dibuat_at = models.DateTimeField("disusun pada", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-bulan", "wilayah__kode", "-versi"]
        verbose_name = "laporan bulanan"
        verbose_name_plural = "laporan bulanan"
        constraints = [
            models.UniqueConstraint(
                fields=["bulan", "wilayah", "versi"], name="laporan_bulan_wilayah_versi"
            ),
            models.CheckConstraint(condition=Q(bulan__day=1), name="laporan_bulan_hari_1"),
        ]
        indexes = [models.Index(fields=["wilayah", "bulan"], name="laporan_wilayah_bulan")]

    def __str__(self) -> str:
        return f"Laporan {bulan_tahun(self.bulan)} {self.wilayah.nama} (versi {self.versi})"

    @property
    def is_selesai(self) -> bool:
        return self.status == self.Status.SELESAI

    @property
    def is_berjalan(self) -> bool:
        return self.status in {self.Status.MENUNGGU, self.Status.BERJALAN}
