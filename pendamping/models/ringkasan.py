"""The performance summary: one row of indicator figures per pendamping and period.

Kept by `pendamping.services.ringkasan` (issue 21): the pages read these rows instead of
aggregating a year of records on every view.
"""

from __future__ import annotations

from django.db import models

from pendamping.models.pendamping import Pendamping

BULAN_SETAHUN = 0  # `bulan` of the row that covers the whole year


class RingkasanKinerja(models.Model):
    """The figures of `pendamping.selectors.indikator` for one pendamping and one period.

    `nilai` holds the statement's row by name (families served, reached, cases, …, and the
    RHK sources registered by other apps under "rhk"), so a new source adds a key, not a
    column. A row is computed again when a write marks it `is_basi` (stamping `basi_xid`),
    when its keys no longer match the statement's, or when it is older than the setting
    `ringkasan_umur_menit` while its period is still running.
    """

    pendamping = models.ForeignKey(Pendamping, on_delete=models.CASCADE, related_name="+")
    tahun = models.PositiveSmallIntegerField()
    bulan = models.PositiveSmallIntegerField(help_text="1–12; 0 untuk setahun penuh")
    nilai = models.JSONField(default=dict)
    is_basi = models.BooleanField("perlu dihitung ulang", default=False)
    # The transaction that last marked the row (`pg_current_xact_id()`): a computation that
    # began before that transaction committed did not see its write, so it must not clear
    # the mark (`pendamping.services.ringkasan.ringkasan_kinerja_segarkan`).
    basi_xid = models.BigIntegerField("ditandai oleh transaksi", null=True, editable=False)
    dihitung_pada = models.DateTimeField("dihitung pada")

    class Meta:
        ordering = ["pendamping_id", "tahun", "bulan"]
        verbose_name = "ringkasan kinerja pendamping"
        verbose_name_plural = "ringkasan kinerja pendamping"
        constraints = [
            models.UniqueConstraint(
                fields=["pendamping", "tahun", "bulan"], name="ringkasan_kinerja_periode"
            )
        ]
        indexes = [models.Index(fields=["tahun", "bulan"], name="ringkasan_kinerja_tahun")]

    def __str__(self) -> str:
        return f"{self.pendamping_id} {self.tahun}-{self.bulan:02d}"
