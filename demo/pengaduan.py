"""Demo complaints for Kota Metro, for `seed_demo`: six months of the front desk's work.

Demo data only: never run it on a production database. About 60 complaints a month, 70% from
registry families (held by their pendamping), the rest from citizens outside the registry
(held by the operator); a few about a pendamping (held by the koordinator, Metro Pusat only).
Older complaints are mostly answered and closed, some late; the last weeks' are still open,
so the Beranda shows overdue and nearly-due items. Deadlines come from the same rules as the
service (`pengaduan.services.tenggat_hitung`); rows are written with one bulk insert.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.db import transaction

from dinsos.bulan import awal_bulan
from dinsos.models import User, Wilayah
from kpm.models import Keluarga
from pengaduan import selectors, services
from pengaduan.models import Pengaduan, Riwayat, tiket_baru

SEED = 1872
BULAN = 6
PER_BULAN = 60
P_KPM = 0.7
P_TENTANG_PENDAMPING = 0.03
KATEGORI_BOBOT: dict[str, int] = {
    Pengaduan.Kategori.BANSOS_TIDAK_DITERIMA: 30,
    Pengaduan.Kategori.NOMINAL_TIDAK_SESUAI: 15,
    Pengaduan.Kategori.PBIJK_NONAKTIF: 20,
    Pengaduan.Kategori.USUL_DTSEN: 15,
    Pengaduan.Kategori.DATA_SALAH: 12,
    Pengaduan.Kategori.LAINNYA: 8,
}
KANAL_BOBOT: dict[str, int] = {
    Pengaduan.Kanal.LOKET: 40,
    Pengaduan.Kanal.TELEPON: 25,
    Pengaduan.Kanal.PENDAMPING: 20,
    Pengaduan.Kanal.SURAT: 5,
    Pengaduan.Kanal.ONLINE: 10,
}
NAMA = ("Sumarni", "Wagiyem", "Suparman", "Rohmah", "Tukiran", "Siti Fatimah", "Joko Susilo")
TANGGAPAN = {
    Pengaduan.Hasil.SELESAI: "Sudah kami tindak lanjuti; bantuan dicairkan pada tahap berikutnya.",
    Pengaduan.Hasil.TIDAK_TERBUKTI: "Setelah diperiksa, bantuan sudah tersalur sesuai data.",
}


def _pilih(rng: random.Random, bobot: dict[str, int]) -> str:
    return rng.choices(list(bobot), weights=list(bobot.values()))[0]


@transaction.atomic
def generate_pengaduan(*, today: datetime.date, tulis: Callable[[str], object]) -> int:
    """Write the demo complaints; a no-op once any complaint exists. Returns how many."""
    if Pengaduan.objects.exists():
        return 0
    operator = User.objects.filter(username="operator").first()
    koordinator = User.objects.filter(username="koordinator").first()
    if operator is None or koordinator is None:
        return 0
    rng = random.Random(SEED)  # noqa: S311 — repeatable demo data, not a secret
    keluarga = list(
        Keluarga.objects.filter(pendamping__isnull=False)
        .select_related("pengurus", "kelurahan")
        .order_by("pk")[:3000]
    )
    kelurahan = list(
        Wilayah.objects.filter(
            tingkat=Wilayah.Tingkat.KELURAHAN,
            berlaku_sampai__isnull=True,
            kode__startswith="18.72.",
        )
    )
    metro_pusat = [k for k in keluarga if k.kelurahan.kode.startswith("18.72.01.")]
    kalender = selectors.kalender_kerja()
    awal = awal_bulan(today, geser=-(BULAN - 1))
    hari = (today - awal).days + 1
    rows = []
    for _ in range(BULAN * PER_BULAN):
        terima = awal + datetime.timedelta(days=rng.randrange(hari))
        kategori = _pilih(rng, KATEGORI_BOBOT)
        tentang = None
        kel = rng.choice(keluarga) if keluarga and rng.random() < P_KPM else None
        if kel is not None and metro_pusat and rng.random() < P_TENTANG_PENDAMPING:
            kel = rng.choice(metro_pusat)
            kategori, tentang = Pengaduan.Kategori.PERILAKU_PETUGAS, kel.pendamping
        wilayah = kel.kelurahan if kel is not None else rng.choice(kelurahan)
        petugas = koordinator if tentang else (kel.pendamping if kel else operator)
        kecamatan_id = wilayah.parent_id
        assert petugas is not None
        assert kecamatan_id is not None
        jawab, selesai = services.tenggat_hitung(
            kategori=kategori, tanggal_terima=terima, kalender=kalender
        )
        row = Pengaduan(
            tiket=tiket_baru(),
            kanal=_pilih(rng, KANAL_BOBOT),
            kategori=kategori,
            deskripsi="Pengaduan demo.",
            keluarga=kel,
            anggota=kel.pengurus if kel else None,
            nama=kel.pengurus.nama if kel and kel.pengurus else rng.choice(NAMA),
            nik=kel.pengurus.nik if kel and kel.pengurus else "",
            telepon=f"08{rng.randrange(10**9, 10**10)}",
            kelurahan=wilayah,
            kecamatan_id=kecamatan_id,
            tentang_pendamping=tentang,
            petugas=petugas,
            tanggal_terima=terima,
            tenggat_jawab=jawab,
            tenggat_selesai=selesai,
            dicatat_oleh=operator,
        )
        _riwayatkan(row, rng=rng, today=today)
        rows.append(row)
    Pengaduan.objects.bulk_create(rows, batch_size=1000)
    Riwayat.objects.bulk_create(
        [
            Riwayat(pengaduan=p, jenis=Riwayat.Jenis.DICATAT, isi=f"Diteruskan ke {p.petugas}.")
            for p in rows
        ],
        batch_size=1000,
    )
    tulis(f"Pengaduan demo: {len(rows)} pengaduan dalam {BULAN} bulan.")
    return len(rows)


def _riwayatkan(row: Pengaduan, *, rng: random.Random, today: datetime.date) -> None:
    """Answer most complaints after a few days (some late) and close most answered ones."""
    umur = (today - row.tanggal_terima).days
    jawab_hari = rng.choice((1, 2, 3, 4, 5, 6, 8, 12))
    if umur < jawab_hari or rng.random() < 0.1:
        return
    row.tanggal_jawab = row.tanggal_terima + datetime.timedelta(days=jawab_hari)
    row.status = Pengaduan.Status.DITANGANI
    row.tanggapan_publik = "Pengaduan sedang kami periksa bersama pendamping."
    tutup_hari = jawab_hari + rng.choice((2, 5, 9, 14, 20))
    if umur < tutup_hari or rng.random() < 0.15:
        return
    hasil = rng.choice((Pengaduan.Hasil.SELESAI, Pengaduan.Hasil.TIDAK_TERBUKTI))
    row.status, row.hasil = Pengaduan.Status.DITUTUP, hasil
    row.tanggal_tutup = row.tanggal_terima + datetime.timedelta(days=tutup_hari)
    row.tanggapan_publik = TANGGAPAN[hasil]
