"""Reads of a pendamping's own families for field work: the family picker of the record
forms and the families due for a home visit (the Beranda line and the list behind it).

Both start from `keluarga_pilihan` (kpm.access.scope_keluarga, families still served), so a
pendamping only ever finds their own caseload.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet

from dinsos import selectors as dinsos_selectors
from dinsos.models import User
from dinsos.names import normalize_nama
from dinsos.pengaturan import today
from kpm.models import Anggota, Keluarga
from pendamping.selectors.pendamping import keluarga_pilihan

PILIHAN_CARI_MAKS = 10  # a phone screen of choices; type more letters for the rest
CARI_HURUF_MIN = 2  # one letter matches most of a caseload


def keluarga_pilihan_cari(*, user: User, teks: str) -> list[Keluarga]:
    """At most PILIHAN_CARI_MAKS of the families the user may record field work for whose
    head or a member has `teks` in their name (the record forms' family picker); nothing
    for fewer than CARI_HURUF_MIN letters."""
    nama = normalize_nama(teks)
    if len(nama) < CARI_HURUF_MIN:
        return []
    cocok = Anggota.objects.filter(keluarga_id=OuterRef("pk"), nama_cari__contains=nama)
    return list(keluarga_pilihan(user=user).filter(Exists(cocok))[:PILIHAN_CARI_MAKS])


def kunjungan_batas_hari(*, on: datetime.date | None = None) -> int:
    """Days without a home visit after which a family is due one (dated setting)."""
    return int(dinsos_selectors.pengaturan_get("kunjungan_jatuh_tempo_hari", on=on or today()))


def keluarga_kunjungan_jatuh_tempo(
    *, user: User, on: datetime.date | None = None
) -> QuerySet[Keluarga]:
    """Families the user serves with no visit or verification recorded in the last
    `kunjungan_jatuh_tempo_hari` days, never-visited first, then the longest waiting; each
    with `kunjungan_terakhir` (None when never visited)."""
    hari_ini = on or today()
    sejak = hari_ini - datetime.timedelta(days=kunjungan_batas_hari(on=hari_ini))
    return (
        keluarga_pilihan(user=user)
        .annotate(kunjungan_terakhir=Max("kunjungan__tanggal"))
        .filter(Q(kunjungan_terakhir__isnull=True) | Q(kunjungan_terakhir__lte=sejak))
        .order_by(F("kunjungan_terakhir").asc(nulls_first=True), "pengurus__nama", "pk")
    )
