"""A year of the records RHK 1, 7, 8 and 9 are counted from (issue 20), for the benchmark
and `seed_demo` (issue 21: the performance pages of a fresh demo show these indicators).

Demo data only. Payouts per tahap (kpm.Penyaluran) for every family still in the programme,
one monthly report per pendamping per month, two directives a month with the recipients'
acknowledgements, and a sosialisasi or two per pendamping per month. Written in bulk
(COPY for the payouts) from one seeded random generator, so the pendamping indicator
benchmark measures its statement with these sources full, as an office has them after a year.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from demo.keluarga import BATCH_KELUARGA, _copy, _saat
from dinsos.bulan import awal_bulan
from dinsos.formatting import JAKARTA, angka
from dinsos.models import User
from kpm.models import Keluarga, Penyaluran
from kpm.selectors.penyaluran import tahap_dalam
from pendamping.models import Arahan, ArahanPenerima, LaporanBulanan, Pendamping, Sosialisasi
from pendamping.services import ringkasan_kinerja_basi

SEED = 1872
P_GAGAL = 0.04  # payouts the bank/Pos list reports failed
ALASAN_GAGAL = (
    "Rekening pasif",
    "KKS hilang, belum diganti",
    "Data tidak padan dengan Dukcapil",
    "Pengurus pindah domisili",
)
NOMINAL = (750_000, 900_000, 1_125_000, 1_275_000, 1_500_000)
P_LAPORAN = 0.92  # months a pendamping sends a report
P_LAPORAN_TERLAMBAT = 0.12
ARAHAN_PER_BULAN = 2
P_ARAHAN_DIBACA = 0.85
SOSIALISASI_PER_BULAN = (0, 1, 1, 2)
STATUS_PENERIMA = (
    Keluarga.Status.AKTIF,
    Keluarga.Status.DITANGGUHKAN,
    Keluarga.Status.CALON_GRADUASI,
)
PENYALURAN_FIELDS = (
    "keluarga", "pendamping", "tahun", "tahap", "nominal", "status", "alasan_gagal", "sumber",
    "nama_file", "created_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class StatistikRhk:
    penyaluran: int
    laporan: int
    arahan_penerima: int
    sosialisasi: int


def _penyaluran_rows(
    rng: random.Random, pairs: list[tuple[int, int]], now: datetime.datetime
) -> Iterator[tuple[Any, ...]]:
    keluarga = Keluarga.objects.filter(status__in=STATUS_PENERIMA).order_by("pk")
    for keluarga_id, pendamping_id in list(keluarga.values_list("pk", "pendamping_id")):
        nominal = rng.choice(NOMINAL)
        for tahun, tahap in pairs:
            gagal = rng.random() < P_GAGAL
            yield (
                keluarga_id, pendamping_id, tahun, tahap, nominal,
                Penyaluran.Status.GAGAL if gagal else Penyaluran.Status.TERSALUR,
                rng.choice(ALASAN_GAGAL) if gagal else "", "Bank Himbara", "demo", now, now,
            )  # fmt: skip


def generate_rhk(*, today: datetime.date, oleh: User, seed: int = SEED) -> StatistikRhk:
    """Write the last 12 months of RHK 1, 7, 8 and 9 records (the caller holds the
    transaction); `oleh` gives the directives (an admin or koordinator)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    now = datetime.datetime.now(tz=JAKARTA)
    awal = awal_bulan(today, geser=-12)
    months = [awal_bulan(awal, geser=i) for i in range(12)]
    # Tahap already paid: those whose quarter began before this month.
    pairs = [(y, t) for y, t in tahap_dalam(awal, today) if datetime.date(y, 3 * t - 2, 1) < today]
    rows = list(_penyaluran_rows(rng, pairs, now))
    _copy(Penyaluran, PENYALURAN_FIELDS, rows)
    pendamping = list(
        Pendamping.objects.filter(user__isnull=False, jenis__kode=Pendamping.Jenis.PKH)
        .order_by("pk")
        .values_list("pk", "user_id")
    )
    laporan, sosialisasi = [], []
    for pk, user_id in pendamping:
        for bulan in months:
            if rng.random() < P_LAPORAN:
                terlambat = rng.random() < P_LAPORAN_TERLAMBAT
                hari = awal_bulan(bulan, geser=1) + datetime.timedelta(
                    days=rng.randint(6, 12) if terlambat else rng.randint(0, 4)
                )
                laporan.append(
                    LaporanBulanan(
                        pendamping_id=pk,
                        bulan=bulan,
                        narasi="Kunjungan rumah, pertemuan P2K2 dan verifikasi komitmen.",
                        jumlah_kunjungan=rng.randint(20, 60),
                        jumlah_p2k2=rng.randint(2, 8),
                        jumlah_kasus=rng.randint(0, 4),
                        dikirim_pada=_saat(hari, rng),
                        is_terlambat=terlambat,
                        dicatat_oleh_id=user_id,
                    )
                )
            for _ in range(rng.choice(SOSIALISASI_PER_BULAN)):
                sosialisasi.append(
                    Sosialisasi(
                        pendamping_id=pk,
                        tanggal=bulan + datetime.timedelta(days=rng.randint(0, 27)),
                        tempat="Balai kelurahan",
                        topik="Hak dan kewajiban KPM",
                        jumlah_peserta=rng.randint(10, 40),
                        dicatat_oleh_id=user_id,
                    )
                )
    LaporanBulanan.objects.bulk_create(laporan, batch_size=BATCH_KELUARGA)
    Sosialisasi.objects.bulk_create(sosialisasi, batch_size=BATCH_KELUARGA)
    arahan = Arahan.objects.bulk_create(
        Arahan(
            judul=f"Arahan {i + 1} bulan {bulan:%m/%Y}",
            isi="Prioritaskan verifikasi komitmen keluarga yang belum dikunjungi.",
            tanggal=bulan + datetime.timedelta(days=3 + 10 * i),
            dibuat_oleh=oleh,
        )
        for bulan in months
        for i in range(ARAHAN_PER_BULAN)
    )
    penerima = [
        ArahanPenerima(
            arahan=a,
            pendamping_id=pk,
            diterima_pada=_saat(a.tanggal + datetime.timedelta(days=rng.randint(0, 3)), rng)
            if rng.random() < P_ARAHAN_DIBACA
            else None,
        )
        for a in arahan
        for pk, _ in pendamping
    ]
    ArahanPenerima.objects.bulk_create(penerima, batch_size=BATCH_KELUARGA)
    return StatistikRhk(
        penyaluran=len(rows),
        laporan=len(laporan),
        arahan_penerima=len(penerima),
        sosialisasi=len(sosialisasi),
    )


def generate_rhk_demo(
    *, today: datetime.date, tulis: Callable[[str], object]
) -> StatistikRhk | None:
    """`generate_rhk` for `seed_demo`: the demo's families and PKH pendamping, directives
    from the demo admin. A no-op once any directive, monthly report, sosialisasi or payout
    exists (as the other generators, so a second seeding adds nothing); the performance
    summaries already stored for the year are marked out of date."""
    oleh = User.objects.filter(role=User.Role.ADMIN).order_by("pk").first()
    if (
        oleh is None
        or not Pendamping.objects.filter(user__isnull=False).exists()
        or Arahan.objects.exists()
        or LaporanBulanan.objects.exists()
        or Sosialisasi.objects.exists()
        or Penyaluran.objects.exists()
    ):
        return None
    stats = generate_rhk(today=today, oleh=oleh)
    ringkasan_kinerja_basi(
        sejak=awal_bulan(today, geser=-12),
        pendamping_ids=list(Pendamping.objects.values_list("pk", flat=True)),
    )
    tulis(
        f"RHK demo (12 bulan): {angka(stats.penyaluran)} penyaluran, {angka(stats.laporan)} "
        f"laporan bulanan, {angka(stats.arahan_penerima)} penerima arahan, "
        f"{angka(stats.sosialisasi)} sosialisasi."
    )
    return stats
