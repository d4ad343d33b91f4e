"""Reads of restriction and objection requests (UU 27/2022; DOMAIN.md §10), and the
admin's Beranda line for the ones whose 3×24 h deadline is near."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos.hooks import ItemBeranda, SubjekPembatasan
from dinsos.models import User
from kpm.access import scope_keluarga, scope_pembatasan
from kpm.models import Anggota, Keluarga, PermintaanPembatasan

P = PermintaanPembatasan
R = User.Role
# Who sees the requests: the admin decides; operators and koordinator record and follow
# those of their areas. Pendamping do not see them (the request is about their families).
PEMBACA = frozenset({R.ADMIN, R.OPERATOR, R.KOORDINATOR})
PENCATAT = frozenset({R.ADMIN, R.OPERATOR})
DEKAT = "dekat"  # the list's `tenggat` filter: waiting, deadline near or passed


def batas_peringatan(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """A waiting request whose deadline falls before this moment is "near its deadline"
    (setting `pembatasan_peringatan_jam`, an office choice)."""
    jam = dinsos_selectors.pengaturan_get("pembatasan_peringatan_jam")
    return (now or timezone.now()) + datetime.timedelta(hours=jam)


def pembatasan_list(
    *, user: User, status: str = "", tenggat: str = ""
) -> QuerySet[PermintaanPembatasan]:
    """Requests `user` may see (`kpm.access.scope_pembatasan`: families of their areas,
    restricted ones included — this list is where they show, as "dibatasi" — and PMKS
    clients of their scope), earliest deadline first."""
    if user.role not in PEMBACA:
        return P.objects.none()
    rows = scope_pembatasan(user, P.objects.all()).select_related(
        "keluarga__kelurahan", "anggota", "dicatat_oleh", "diputuskan_oleh"
    )
    if status:
        rows = rows.filter(status=status)
    if tenggat == DEKAT:
        rows = rows.filter(status=P.Status.MENUNGGU, tenggat__lte=batas_peringatan())
    return rows.order_by("tenggat", "pk")


def pembatasan_subjek_lain(rows: Iterable[PermintaanPembatasan]) -> None:
    """Set `subjek_lain` (hooks.SubjekPembatasan, or None) on each request without a family,
    from the apps that registered its person: one query per app, whatever the number of
    rows (the list page calls it on its page)."""
    rows = list(rows)
    ids = [p.pk for p in rows if p.keluarga_id is None]
    subjek: dict[int, SubjekPembatasan] = {}
    if ids:
        for provider in hooks.registry.providers(hooks.PEMBATASAN_SUBJEK):
            subjek.update(provider(permintaan_ids=ids))
    for p in rows:
        p.subjek_lain = subjek.get(p.pk)  # type: ignore[attr-defined]


def pembatasan_subjek(
    *, nik: str, no_kk: str, user: User
) -> tuple[Keluarga, Anggota | None] | None:
    """The family (and member, by NIK) a new request is about, inside `user`'s areas and
    not restricted yet; None when nothing visible matches."""
    keluarga = scope_keluarga(user, Keluarga.objects.all())
    if nik:
        anggota = (
            Anggota.objects.select_related("keluarga")
            .filter(nik=nik, keluarga__in=keluarga)
            .first()
        )
        return (anggota.keluarga, anggota) if anggota else None
    found = keluarga.filter(no_kk=no_kk).first()
    return (found, None) if found else None


def pembatasan_anggota(*, anggota: Anggota) -> list[dict[str, object]]:
    """A person's restriction requests (their family's), for the data-subject export."""
    return [
        {
            "jenis": p.get_jenis_display(),
            "status": p.get_status_display(),
            "diterima": p.diterima_at.isoformat(),
            "tenggat_keputusan": p.tenggat.isoformat(),
            "dasar": p.dasar,
            "diputuskan": p.diputuskan_at.isoformat() if p.diputuskan_at else None,
            "catatan_keputusan": p.catatan_keputusan,
            "dicabut": p.dicabut_at.isoformat() if p.dicabut_at else None,
        }
        for p in P.objects.filter(keluarga_id=anggota.keluarga_id).order_by("diterima_at")
    ]


def pembatasan_beranda(*, user: User) -> list[ItemBeranda]:
    """Admin: waiting requests whose 3×24 h deadline is near or passed (DOMAIN.md §10)."""
    if user.role != R.ADMIN:
        return []
    jumlah = pembatasan_list(user=user, tenggat=DEKAT).count()
    if not jumlah:
        return []
    url = f"{reverse('kpm:pembatasan-list')}?{urlencode({'tenggat': DEKAT})}"
    return [
        ItemBeranda(
            "Permintaan pembatasan data mendekati tenggat",
            jumlah,
            url,
            tingkat="bahaya",
            keterangan="Putuskan paling lambat 3×24 jam sejak diterima (UU 27/2022).",
        )
    ]
