"""Selectors of P2K2's lines on the Beranda (hooks.BERANDA).

Named for the page it feeds: each count goes through the same
selector as the list its link opens (issue 14).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format

from dinsos.hooks import ItemBeranda
from dinsos.models import User
from dinsos.pengaturan import today
from p2k2.access import scope_kelompok
from p2k2.models import Kelompok, Pertemuan
from p2k2.selectors.kurikulum import jumlah_kurikulum_tertinggal
from p2k2.selectors.rekap import FilterAlfa, jumlah_runtun_alfa

R = User.Role
# The attendance screen's offline queue (static/p2k2/kehadiran.js, ANTRIAN).
ANTRIAN_KEHADIRAN = "p2k2-antrian-v1"
HANYA_BERLANGSUNG = "berlangsung"  # the alfa recap's status filter value


def pertemuan_pekan_ini(*, user: User, on: datetime.date | None = None) -> list[Pertemuan]:
    """Meetings of the user's groups from today to Sunday, soonest first."""
    hari_ini = on or today()
    minggu = hari_ini + datetime.timedelta(days=6 - hari_ini.weekday())
    return list(
        Pertemuan.objects.filter(
            kelompok__in=scope_kelompok(user, Kelompok.objects.all()),
            tanggal__range=(hari_ini, minggu),
        )
        .select_related("kelompok", "sesi")
        .order_by("tanggal", "jam_mulai", "pk")
    )


def _pertemuan_item(p: Pertemuan, hari_ini: datetime.date) -> ItemBeranda:
    hari = "Hari ini" if p.tanggal == hari_ini else date_format(p.tanggal, "l, j F")
    jam = f", {p.jam_mulai:%H.%M}" if p.jam_mulai else ""
    tempat = f" · {p.tempat}" if p.tempat else ""
    return ItemBeranda(
        f"P2K2 {p.kelompok.nama}: {p.judul}",
        None,
        reverse("p2k2:pertemuan-detail", args=[p.pk]),
        "peringatan" if p.tanggal == hari_ini else "info",
        keterangan=f"{hari}{jam}{tempat}",
        aksi="Catat kehadiran",
        aksi_url=reverse("p2k2:kehadiran", args=[p.pk]),
    )


def beranda_items(*, user: User) -> list[ItemBeranda]:
    """Pendamping: this week's meetings with a one-tap attendance screen, marks kept on the
    phone, families with an ongoing alfa run; koordinator: groups behind the curriculum and
    ongoing alfa runs."""
    if user.role not in (R.PENDAMPING, R.KOORDINATOR):
        return []
    hari_ini = today()
    items = []
    if user.role == R.PENDAMPING:
        items += [_pertemuan_item(p, hari_ini) for p in pertemuan_pekan_ini(user=user)]
        items.append(
            ItemBeranda(
                "Kehadiran tersimpan di HP ini, belum terkirim",
                None,
                reverse("p2k2:kelompok-list"),
                "peringatan",
                keterangan="Buka layar kehadiran saat ada sinyal agar terkirim.",
                kunci_lokal=ANTRIAN_KEHADIRAN,
            )
        )
    alfa = jumlah_runtun_alfa(user=user, filter=FilterAlfa(hanya_berlangsung=True))
    url_alfa = f"{reverse('p2k2:rekap-alfa')}?{urlencode({'status': HANYA_BERLANGSUNG})}"
    items.append(
        ItemBeranda(
            "Keluarga dengan alfa P2K2 berturut-turut",
            alfa,
            url_alfa,
            "bahaya" if alfa else "info",
        )
    )
    if user.role == R.KOORDINATOR:
        tertinggal = jumlah_kurikulum_tertinggal(user=user)
        url = f"{reverse('p2k2:rekap-kurikulum')}?{urlencode({'tertinggal': 'on'})}"
        items.append(
            ItemBeranda(
                "Kelompok tertinggal kurikulum",
                tertinggal,
                url,
                "peringatan" if tertinggal else "info",
            )
        )
    return items
