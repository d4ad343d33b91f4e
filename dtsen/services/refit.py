"""Re-fitting the probable-match weights from field-checked pairs (issue #23)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction

from dinsos import kecocokan
from dinsos.kecocokan import Aturan, Berlabel, Presisi
from dinsos.models import Pengaturan
from dinsos.selectors import pengaturan_semua
from dtsen.models import PasanganBerlabel

logger = logging.getLogger(__name__)
KUNCI_BOBOT = "pencocokan_bobot"


@dataclass(frozen=True)
class HasilRefit:
    sama: int
    bukan: int
    lama: Aturan
    baru: Aturan | None  # None: not enough labelled pairs, nothing changed
    sebelum: list[Presisi]
    sesudah: list[Presisi]
    pengaturan: Pengaturan | None  # the new dated version, when saved

    @property
    def jumlah(self) -> int:
        return self.sama + self.bukan


@transaction.atomic
def pencocokan_refit(
    *, sejak: datetime.date | None, berlaku_mulai: datetime.date, simpan: bool
) -> HasilRefit:
    """Re-estimate the weights from the labelled pairs checked since `sejak` and, with
    `simpan`, store them as the `pencocokan_bobot` version in force from `berlaku_mulai`.

    Nothing changes unless there are at least `MIN_PASANGAN_REFIT` pairs, with at least
    `MIN_PER_LABEL_REFIT` of each answer. Precision per band before and after is measured on
    the same labelled pairs (the thresholds stay)."""
    pairs = PasanganBerlabel.objects.all()
    if sejak:
        pairs = pairs.filter(diperiksa_at__date__gte=sejak)
    data = [Berlabel(sinyal, is_sama) for sinyal, is_sama in pairs.values_list("sinyal", "is_sama")]
    pengaturan = pengaturan_semua(on=berlaku_mulai)
    lama = Aturan.dari(pengaturan[KUNCI_BOBOT], pengaturan["pencocokan_ambang"])
    sama = sum(p.is_sama for p in data)
    bukan = len(data) - sama
    sebelum = kecocokan.presisi_per_pita(data, aturan=lama)
    cukup = (
        len(data) >= kecocokan.MIN_PASANGAN_REFIT
        and min(sama, bukan) >= kecocokan.MIN_PER_LABEL_REFIT
    )
    if not cukup:
        return HasilRefit(sama, bukan, lama, None, sebelum, [], None)
    baru = kecocokan.refit(data, lama=lama)
    sesudah = kecocokan.presisi_per_pita(data, aturan=baru)
    saved = None
    if simpan:
        catatan = f"Refit dari {len(data)} pasangan berlabel ({sama} sama, {bukan} bukan)"
        saved, _ = Pengaturan.objects.update_or_create(
            kunci=KUNCI_BOBOT,
            berlaku_mulai=berlaku_mulai,
            defaults={"nilai": baru.bobot, "catatan": catatan[:200]},
        )
        logger.info("bobot pencocokan baru sejak %s dari %s pasangan", berlaku_mulai, len(data))
    return HasilRefit(sama, bukan, lama, baru, sebelum, sesudah, saved)
