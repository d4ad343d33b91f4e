"""Issue 21: the desil changes between two DTSEN snapshots, counted once per pair.

The rows of a loaded snapshot never change (a cancelled one loses them, and its counts with
them), so a pair's counts per kelurahan stay true once computed: the summary and the
kecamatan pages read them instead of joining two million-row snapshots on every view. The
cut-offs in force (desil 1–4 PKH, 1–5 PBI-JK, dated settings) are part of the key: a new
cut-off counts again. The people of a kelurahan are kept as pointers to the two snapshots'
rows in the list's order, once a page first shows them: no personal value is copied here.
"""

from __future__ import annotations

from django.db import models

from dinsos.models import Wilayah
from dtsen.models.snapshot import Snapshot


class PerbandinganDesil(models.Model):
    """One compared pair of DTSEN snapshots under the cut-offs in force, and when it was
    counted; its `kelurahan` rows hold the counts."""

    lama = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    baru = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+", db_index=False)
    batas_pkh = models.PositiveSmallIntegerField()
    batas_pbijk = models.PositiveSmallIntegerField()
    dihitung_pada = models.DateTimeField()

    class Meta:
        verbose_name_plural = "perbandingan desil"
        constraints = [
            models.UniqueConstraint(
                fields=["baru", "lama", "batas_pkh", "batas_pbijk"], name="perbandingan_desil_unik"
            ),
        ]

    def __str__(self) -> str:
        return f"Perubahan desil #{self.lama_id} → #{self.baru_id}"


class PerubahanDesilKelurahan(models.Model):
    """A pair's counts in one kelurahan (people counted where the newer snapshot puts them,
    else where the older one did), with its kecamatan as the pages group them."""

    perbandingan = models.ForeignKey(
        PerbandinganDesil, on_delete=models.CASCADE, related_name="kelurahan"
    )
    kelurahan = models.ForeignKey(Wilayah, on_delete=models.PROTECT, related_name="+")
    kecamatan = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    masuk_pkh = models.PositiveIntegerField()
    keluar_pkh = models.PositiveIntegerField()
    masuk_pbijk = models.PositiveIntegerField()
    keluar_pbijk = models.PositiveIntegerField()
    muncul = models.PositiveIntegerField()
    hilang = models.PositiveIntegerField()
    berubah = models.PositiveIntegerField(help_text="Orang yang masuk daftar perubahan.")
    # Its people (PerubahanDesilOrang) are stored once a kecamatan page first shows them.
    orang_disimpan = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "perubahan desil per kelurahan"
        constraints = [
            models.UniqueConstraint(
                fields=["perbandingan", "kelurahan"], name="perubahan_desil_kelurahan_unik"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.perbandingan} di kelurahan #{self.kelurahan_id}"


class PerubahanDesilOrang(models.Model):
    """One person of a pair's change list in a kelurahan: their place in the list (by name,
    NIK) and their row in each snapshot (None where absent). Pointers only; the pages read
    the values from the snapshot rows."""

    perbandingan = models.ForeignKey(PerbandinganDesil, on_delete=models.CASCADE, related_name="+")
    kelurahan = models.ForeignKey(
        Wilayah, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    urutan = models.PositiveIntegerField()
    lama_record_id = models.BigIntegerField(null=True)
    baru_record_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name_plural = "perubahan desil per orang"
        constraints = [
            models.UniqueConstraint(
                fields=["perbandingan", "kelurahan", "urutan"], name="perubahan_desil_orang_urut"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.perbandingan}, kelurahan #{self.kelurahan_id} no. {self.urutan}"
