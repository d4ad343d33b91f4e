"""The Beranda line of verifikasi (hooks.BERANDA): proposals waiting for the office.

The count goes through the same selector as the list its link opens, so the figure and the
list cannot disagree (issue 14).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from dinsos.bulan import awal_bulan
from dinsos.formatting import bulan_tahun
from dinsos.hooks import ItemBeranda
from dinsos.models import User
from dinsos.pengaturan import today
from verifikasi.models import Usulan
from verifikasi.selectors.bulan import keluarga_komitmen
from verifikasi.selectors.graduasi import graduasi_tanpa_proses_list
from verifikasi.selectors.komitmen import usulan_list

R = User.Role


def beranda_komitmen(*, user: User) -> list[ItemBeranda]:
    """Suspension proposals waiting for a decision, for the office roles that decide;
    a pendamping's families whose month just ended is not fully verified yet."""
    if user.role == R.PENDAMPING:
        return [_komitmen_belum(user)]
    if user.role not in (R.ADMIN, R.OPERATOR, R.KOORDINATOR):
        return []
    status = Usulan.Status.DIUSULKAN
    jumlah = usulan_list(user=user, status=status).count()
    url = f"{reverse('verifikasi:usulan-list')}?{urlencode({'status': status})}"
    tingkat = "peringatan" if jumlah else "info"
    return [ItemBeranda("Usulan penangguhan menunggu keputusan", jumlah, url, tingkat)]


def _komitmen_belum(user: User) -> ItemBeranda:
    # The month being verified is the one that just ended: the month view's default.
    bulan = awal_bulan(today(), geser=-1)
    jumlah = keluarga_komitmen(user=user, belum_bulan=bulan).count()
    query = urlencode({"bulan": bulan.strftime("%Y-%m"), "belum": "on"})
    return ItemBeranda(
        "Keluarga dengan komitmen belum diverifikasi",
        jumlah,
        f"{reverse('verifikasi:komitmen-bulan')}?{query}",
        "peringatan" if jumlah else "info",
        keterangan=f"Bulan {bulan_tahun(bulan)}.",
    )


def beranda_graduasi_tanpa_proses(*, user: User) -> list[ItemBeranda]:
    """Issue 20 (D2): families graduated around the pipeline, for the office that completes
    them (shown only while there are any)."""
    if user.role not in (R.ADMIN, R.OPERATOR):
        return []
    jumlah = graduasi_tanpa_proses_list(user=user).count()
    if not jumlah:
        return []
    return [
        ItemBeranda(
            "Lengkapi graduasi (jenis dan bukti)",
            jumlah,
            reverse("verifikasi:graduasi-lengkapi-list"),
            "peringatan",
            keterangan="Keluarga berstatus graduasi/calon graduasi tanpa usulan graduasi.",
        )
    ]
