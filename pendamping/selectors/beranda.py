"""Selectors of the workforce's lines on the Beranda (hooks.BERANDA).

Named for the page it feeds: each count goes through the same
selector as the list its link opens (issue 14).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from dinsos import selectors as dinsos_selectors
from dinsos.formatting import diperbarui
from dinsos.hooks import ItemBeranda
from dinsos.models import User
from dinsos.pengaturan import today
from pendamping.periode import Periode
from pendamping.selectors.keluarga import keluarga_kunjungan_jatuh_tempo, kunjungan_batas_hari
from pendamping.selectors.pendamping import PendampingFilter, pendamping_list
from pendamping.selectors.psks import rujukan_batas_hari, rujukan_terlambat
from pendamping.selectors.rhk_daftar import arahan_diterima_list
from pendamping.selectors.ringkasan import perbandingan_ringkas

R = User.Role
TERENDAH = 3  # the month's lowest scores named on a koordinator's Beranda


def beranda_items(*, user: User) -> list[ItemBeranda]:
    """Pendamping: their families due a home visit; office roles: workers over their caseload
    ceiling; koordinator: the month's lowest scores on the comparison table."""
    if user.role == R.PENDAMPING:
        return [_kunjungan_jatuh_tempo(user), _rujukan_terlambat(user), _arahan_belum(user)]
    if user.role not in (R.ADMIN, R.OPERATOR, R.KOORDINATOR):
        return []
    filters = PendampingFilter(is_melebihi=True)
    jumlah = pendamping_list(user=user, filters=filters).count()
    url = f"{reverse('pendamping:pendamping-list')}?{urlencode({'melebihi': 'on'})}"
    items = [
        ItemBeranda(
            "Pendamping melebihi batas keluarga", jumlah, url, "peringatan" if jumlah else "info"
        )
    ]
    items.append(_rujukan_terlambat(user))
    if user.role == R.KOORDINATOR:
        items.append(_ringkasan_bulan(user))
    return items


def _rujukan_terlambat(user: User) -> ItemBeranda:
    """Issue 20: referrals the receiving institution has not answered in time."""
    jumlah = rujukan_terlambat(user=user).count()
    return ItemBeranda(
        "Rujukan terlambat dijawab",
        jumlah,
        f"{reverse('pendamping:rujukan-list')}?{urlencode({'terlambat': 'on'})}",
        "bahaya" if jumlah else "info",
        keterangan=f"Belum ada jawaban lembaga tujuan lebih dari {rujukan_batas_hari()} hari.",
    )


def _arahan_belum(user: User) -> ItemBeranda:
    """Issue 20, RHK 8: directives the pendamping has not yet acknowledged."""
    jumlah = arahan_diterima_list(user=user, belum=True).count()
    return ItemBeranda(
        "Arahan belum dibaca",
        jumlah,
        f"{reverse('pendamping:arahan-list')}?{urlencode({'belum': 'on'})}",
        "peringatan" if jumlah else "info",
        keterangan="Buka arahan koordinator lalu pilih “Saya sudah membaca”.",
    )


def _ringkasan_bulan(user: User) -> ItemBeranda:
    """Issue 21: the scores come from the performance summary (`RingkasanKinerja`, kept by
    the writes and the beat), as on the comparison table the line opens, not from a month's
    aggregate of every pendamping of the area on each Beranda view."""
    sekarang = today()
    periode = Periode(sekarang.year, sekarang.month)
    rows, waktu = perbandingan_ringkas(
        user=user, periode=periode, pengaturan=dinsos_selectors.pengaturan_semua()
    )
    dinilai = sorted((r for r in rows if r.skor is not None), key=lambda r: r.skor or 0)
    terendah = ", ".join(f"{r.pendamping.nama} ({r.skor_teks})" for r in dinilai[:TERENDAH])
    url = f"{reverse('pendamping:perbandingan')}?{urlencode(periode.params)}"
    keterangan = f"Skor terendah: {terendah}." if terendah else "Belum ada skor bulan ini."
    if terendah and waktu:
        keterangan = f"{keterangan} {diperbarui(waktu, today=sekarang)}"
    return ItemBeranda(f"Kinerja pendamping {periode.label}", None, url, keterangan=keterangan)


def _kunjungan_jatuh_tempo(user: User) -> ItemBeranda:
    jumlah = keluarga_kunjungan_jatuh_tempo(user=user).count()
    return ItemBeranda(
        "Keluarga perlu dikunjungi",
        jumlah,
        reverse("pendamping:kunjungan-jatuh-tempo"),
        "peringatan" if jumlah else "info",
        keterangan=f"Tanpa kunjungan rumah atau verifikasi {kunjungan_batas_hari()} hari terakhir.",
    )
