"""The P2K2 summaries (issue 21): figures the office pages read instead of aggregating a
year of meetings and attendance marks on every view.

Kept by `p2k2.services.ringkasan`: every service that writes meetings, marks or members
recomputes the rows of the groups and families it touched in the same transaction, and a
nightly Celery task rebuilds every row (writes made outside the portal's services: the
admin, SQL loads). Nothing in them depends on the day or on a setting: the curriculum, the
alfa threshold and the D13 reading are applied when the page reads them.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from dinsos.pemrosesan import DasarHukum, Pemrosesan
from kpm.models import Keluarga


class RingkasanKelompok(models.Model):
    """One group's running figures: members now, held meetings, curriculum sessions held.

    The group list and the curriculum page read these; a group without a row has held
    nothing and has no members (a group just made)."""

    kelompok = models.OneToOneField(
        "p2k2.Kelompok", on_delete=models.CASCADE, primary_key=True, related_name="ringkasan"
    )
    jumlah_anggota = models.PositiveIntegerField(default=0)
    # The first day any family joined (memberships ended since included): months running.
    mulai = models.DateField(null=True, blank=True)
    pertemuan_terlaksana = models.PositiveIntegerField(default=0)
    pertemuan_terakhir = models.DateField(null=True, blank=True)
    # Every session held at least once, ascending, and how many of them are in the
    # curriculum as it was when computed (`kurikulum_sidik`: md5 of its session ids, sorted,
    # joined by commas). A page reads the count while the curriculum is the same, and counts
    # from the sessions once an admin retires or adds a module (`kurikulum_sidik` differs).
    sesi_terlaksana = ArrayField(models.BigIntegerField(), default=list, blank=True)
    sesi_kurikulum = models.PositiveIntegerField(default=0)
    kurikulum_sidik = models.CharField(max_length=32, blank=True)
    dihitung_pada = models.DateTimeField("dihitung pada")

    class Meta:
        ordering = ["kelompok_id"]
        verbose_name = "ringkasan kelompok P2K2"
        verbose_name_plural = "ringkasan kelompok P2K2"

    def __str__(self) -> str:
        return f"Ringkasan kelompok {self.kelompok_id}"


BULAN_SETAHUN = 0  # `bulan` of the row that covers the whole year


class RingkasanKelompokBulan(models.Model):
    """One group's held meetings and attendance marks in one calendar month, or in the whole
    year (`bulan` = 0): the recap reads the year rows per group and the month rows for its
    chart, without adding up a group's months on every view.

    `tercatat` counts the held meetings with at least one mark, as the recap always has
    (a held meeting without marks adds nothing to a rate); `terlaksana` every held one."""

    kelompok = models.ForeignKey(
        "p2k2.Kelompok", on_delete=models.CASCADE, related_name="ringkasan_bulan"
    )
    tahun = models.PositiveSmallIntegerField()
    bulan = models.PositiveSmallIntegerField(help_text="1–12; 0 untuk setahun penuh")
    terlaksana = models.PositiveIntegerField(default=0)
    tercatat = models.PositiveIntegerField(default=0)
    hadir = models.PositiveIntegerField(default=0)
    izin = models.PositiveIntegerField(default=0)
    sakit = models.PositiveIntegerField(default=0)
    alfa = models.PositiveIntegerField(default=0)
    dihitung_pada = models.DateTimeField("dihitung pada")

    class Meta:
        ordering = ["kelompok_id", "tahun", "bulan"]
        verbose_name = "ringkasan bulanan kelompok P2K2"
        verbose_name_plural = "ringkasan bulanan kelompok P2K2"
        constraints = [
            models.UniqueConstraint(
                fields=["kelompok", "tahun", "bulan"], name="ringkasan_kelompok_bulan_unik"
            ),
        ]
        indexes = [models.Index(fields=["tahun", "bulan"], name="ringkasan_bulan_tahun")]

    def __str__(self) -> str:
        return f"Ringkasan kelompok {self.kelompok_id} {self.tahun}-{self.bulan:02d}"


class RingkasanRuntunAlfa(models.Model):
    """One run of consecutive alfa of one family (p2k2.selectors.alfa), under each of the two
    readings of D13 (`is_jeda_memutus`: an excused absence ends a run, or is skipped).

    Every run is kept, of any length: the threshold is applied when read."""

    keluarga = models.ForeignKey(Keluarga, on_delete=models.CASCADE, related_name="+")
    is_jeda_memutus = models.BooleanField()
    pertemuan_ids = ArrayField(models.BigIntegerField())  # the run's meetings, in order
    dari = models.DateField()
    sampai = models.DateField()
    jumlah = models.PositiveSmallIntegerField()
    is_berlangsung = models.BooleanField()  # no hadir since: a candidate for suspension now
    dihitung_pada = models.DateTimeField("dihitung pada")

    PEMROSESAN = Pemrosesan(
        tujuan=(
            "Ringkasan alfa P2K2 berturut-turut per keluarga, dihitung dari kehadiran untuk "
            "rekap kantor dan Beranda (DOMAIN.md §4)."
        ),
        dasar_hukum=DasarHukum.TUGAS_PUBLIK,
        data=("keluarga", "dari", "sampai", "jumlah", "is_berlangsung"),
        subjek="Keluarga penerima manfaat (KPM)",
        retensi="Dihitung ulang dari catatan kehadiran; hilang bersama catatannya",
    )

    class Meta:
        ordering = ["keluarga_id", "is_jeda_memutus", "dari"]
        verbose_name = "ringkasan runtun alfa P2K2"
        verbose_name_plural = "ringkasan runtun alfa P2K2"
        indexes = [
            models.Index(fields=["is_jeda_memutus", "jumlah"], name="ringkasan_runtun_jumlah"),
            models.Index(fields=["keluarga"], name="ringkasan_runtun_keluarga"),
        ]

    def __str__(self) -> str:
        return f"Runtun alfa keluarga {self.keluarga_id}: {self.jumlah} kali"
