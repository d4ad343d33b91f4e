"""Demo P2K2 data for Kota Metro (DOMAIN.md §6, §12), for `seed_demo` and the benchmark.

Demo data only: never run it on a production database. Every pendamping's families are split
into groups of about 25 per kelurahan; families with no pendamping yet are grouped by kelurahan
under the pendamping accounts whose areas cover it. Each group then has a year of monthly
meetings that follow the curriculum in order, with realistic attendance: mostly hadir, some
izin, sakit and alfa, a tenth of families often absent, and a few with 3–4 alfa in a row (so
the warning list of DOMAIN.md §4 has something to show). Bulk inserts, one seeded generator.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction

from dinsos.access import scope_kelurahan_ids
from dinsos.bulan import awal_bulan
from dinsos.models import User, Wilayah
from kpm.models import Keluarga
from p2k2.models import Keanggotaan, Kehadiran, Kelompok, Pertemuan, Sesi
from p2k2.services import STATUS_BOLEH_BERGABUNG
from p2k2.services import ringkasan as ringkasan_services

SEED = 1872
BATCH = 5000
UKURAN_KELOMPOK = 25  # DOMAIN.md §6: groups of ~20–30 KPM
BULAN = 12
S = Kehadiran.Status
# Shares of marks for an ordinary family and for one that is often absent.
BOBOT_BIASA = {S.HADIR: 88, S.IZIN: 5, S.SAKIT: 4, S.ALFA: 3}
BOBOT_SERING_ABSEN = {S.HADIR: 55, S.IZIN: 10, S.SAKIT: 10, S.ALFA: 25}
P_SERING_ABSEN = 0.1
P_ALFA_BERUNTUN = 0.015  # families given 3–4 alfa in a row near the end of the year
P_ADAPTIF = 0.08  # a month on a free topic instead of the next session
P_PEMAHAMAN = 0.6  # marks that carry an understanding rating
PEMAHAMAN = (
    Kehadiran.Pemahaman.KURANG,
    Kehadiran.Pemahaman.BAIK,
    Kehadiran.Pemahaman.SANGAT_BAIK,
    Kehadiran.Pemahaman.TIDAK_DAPAT_DINILAI,
)
BOBOT_PEMAHAMAN = (12, 55, 28, 5)
TOPIK_ADAPTIF = (
    "Bahaya judi online bagi keluarga",
    "Pencegahan perkawinan anak",
    "Kesiapsiagaan bencana banjir",
    "Literasi digital dan penipuan daring",
    "Pencegahan demam berdarah",
)
JAM = ((datetime.time(9, 0), datetime.time(10, 30)), (datetime.time(13, 30), datetime.time(15, 0)))
DESKRIPSI = (
    "Pertemuan dilaksanakan di {tempat}, dibuka pendamping pukul {jam}. Materi {materi} "
    "disampaikan dengan diskusi dan contoh sehari-hari. Peserta aktif bertanya; {hadir} KPM "
    "hadir. Hasil: peserta memahami pokok materi. Kendala: beberapa KPM berhalangan; tindak "
    "lanjut kunjungan rumah."
)


@dataclass(frozen=True)
class StatistikDemo:
    kelompok: int
    keanggotaan: int
    pertemuan: int
    kehadiran: int


def _buckets(
    keluarga: Sequence[tuple[int, int | None, int]], pendamping_area: dict[int, list[int]]
) -> dict[tuple[int, int], list[int]]:
    """(pendamping, kelurahan) → family ids. Families without a pendamping go to the
    pendamping accounts covering their kelurahan, spread round-robin."""
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    turn: dict[int, int] = defaultdict(int)
    for pk, pendamping_id, kelurahan_id in keluarga:
        if pendamping_id is None:
            covering = pendamping_area.get(kelurahan_id)
            if not covering:
                continue  # no pendamping account covers this kelurahan: no group
            pendamping_id = covering[turn[kelurahan_id] % len(covering)]
            turn[kelurahan_id] += 1
        buckets[(pendamping_id, kelurahan_id)].append(pk)
    return buckets


def _split(ids: list[int]) -> list[list[int]]:
    n = max(1, math.ceil(len(ids) / UKURAN_KELOMPOK))
    size = math.ceil(len(ids) / n)
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _marks(rng: random.Random, n: int, sering_absen: bool, beruntun_dari: int | None) -> list[str]:
    weights = BOBOT_SERING_ABSEN if sering_absen else BOBOT_BIASA
    marks: list[str] = rng.choices(list(weights), list(weights.values()), k=n)
    if beruntun_dari is not None:
        for i in range(beruntun_dari, min(n, beruntun_dari + rng.choice((3, 4)))):
            marks[i] = S.ALFA
    return marks


@transaction.atomic
def generate_p2k2(
    *,
    today: datetime.date,
    seed: int = SEED,
    tulis: Callable[[str], object] | None = None,
) -> StatistikDemo | None:
    """Groups, a year of meetings and attendance for the demo families.

    Does nothing (returns None) when any group exists, so `seed_demo` can call it every run.
    """
    if Kelompok.objects.exists():
        return None
    sessions = list(
        Sesi.objects.filter(modul__is_aktif=True, modul__is_adaptif=False)
        .select_related("modul")
        .order_by("modul__urutan", "urutan")
    )
    if not sessions:
        return None  # no curriculum (the data migration's rows were removed)
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    pendamping = list(User.objects.filter(role=User.Role.PENDAMPING, is_active=True))
    pendamping_area: dict[int, list[int]] = defaultdict(list)
    for user in pendamping:
        for kelurahan_id in scope_kelurahan_ids(user):
            pendamping_area[kelurahan_id].append(user.pk)
    names = {u.pk: u.get_full_name() or u.username for u in pendamping}
    keluarga = list(
        Keluarga.objects.filter(status__in=STATUS_BOLEH_BERGABUNG)
        .filter(keanggotaan__isnull=True)
        .order_by("kelurahan_id", "pk")
        .values_list("pk", "pendamping_id", "kelurahan_id")
    )
    kelurahan = {w.pk: w.nama for w in Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN)}
    mulai = awal_bulan(today, geser=-(BULAN - 1))

    # Groups and memberships.
    groups: list[tuple[Kelompok, list[int]]] = []
    for (pendamping_id, kelurahan_id), ids in sorted(_buckets(keluarga, pendamping_area).items()):
        for number, chunk in enumerate(_split(ids), start=1):
            kelompok = Kelompok(
                nama=f"{kelurahan[kelurahan_id]} {number}",
                pendamping_id=pendamping_id,
                kelurahan_id=kelurahan_id,
                ketua_id=chunk[0],
                tempat="Rumah ketua kelompok",
            )
            groups.append((kelompok, chunk))
    Kelompok.objects.bulk_create([k for k, _ in groups], batch_size=BATCH)
    anggota = [
        Keanggotaan(kelompok=k, keluarga_id=pk, mulai=mulai, oleh_id=k.pendamping_id)
        for k, chunk in groups
        for pk in chunk
    ]
    Keanggotaan.objects.bulk_create(anggota, batch_size=BATCH)

    # A year of meetings, the curriculum in teaching order from a different start per group.
    meetings: list[tuple[Pertemuan, list[int]]] = []
    for kelompok, chunk in groups:
        start = rng.randrange(len(sessions))
        next_session = 0
        for month in range(BULAN):
            first = awal_bulan(today, geser=month - (BULAN - 1))
            tanggal = first.replace(day=rng.randint(5, 25))
            jam_mulai, jam_selesai = rng.choice(JAM)
            adaptif = rng.random() < P_ADAPTIF
            sesi = None if adaptif else sessions[(start + next_session) % len(sessions)]
            next_session += 0 if adaptif else 1
            materi = sesi.judul if sesi else rng.choice(TOPIK_ADAPTIF)
            meetings.append(
                (
                    Pertemuan(
                        kelompok=kelompok,
                        sesi=sesi,
                        topik="" if sesi else materi,
                        tanggal=tanggal,
                        jam_mulai=jam_mulai,
                        jam_selesai=jam_selesai,
                        tempat=kelompok.tempat,
                        narasumber_1=f"{names[kelompok.pendamping_id]} (Pendamping PKH)",
                        deskripsi="",
                        status=(
                            Pertemuan.Status.TERLAKSANA
                            if tanggal <= today
                            else Pertemuan.Status.DIRENCANAKAN
                        ),
                        dibuat_oleh_id=kelompok.pendamping_id,
                    ),
                    chunk,
                )
            )
    Pertemuan.objects.bulk_create([p for p, _ in meetings], batch_size=BATCH)

    # Attendance, one profile per family.
    per_family: dict[int, list[str]] = {}
    for _, chunk in groups:
        for pk in chunk:
            beruntun = rng.randint(BULAN - 5, BULAN - 4) if rng.random() < P_ALFA_BERUNTUN else None
            per_family[pk] = _marks(rng, BULAN, rng.random() < P_SERING_ABSEN, beruntun)
    rows: list[Kehadiran] = []
    written = 0
    month_of: dict[int, int] = defaultdict(int)
    for pertemuan, chunk in meetings:
        month = month_of[pertemuan.kelompok.pk]
        month_of[pertemuan.kelompok.pk] += 1
        if pertemuan.status != Pertemuan.Status.TERLAKSANA:
            continue
        hadir = 0
        for pk in chunk:
            status = per_family[pk][month]
            hadir += status == S.HADIR
            pemahaman = ""
            if status == S.HADIR and rng.random() < P_PEMAHAMAN:
                pemahaman = rng.choices(PEMAHAMAN, BOBOT_PEMAHAMAN)[0]
            rows.append(
                Kehadiran(
                    pertemuan=pertemuan,
                    keluarga_id=pk,
                    status=status,
                    pemahaman=pemahaman,
                    recorded_by_id=pertemuan.kelompok.pendamping_id,
                )
            )
        pertemuan.deskripsi = DESKRIPSI.format(
            tempat=pertemuan.tempat.lower(),
            jam=pertemuan.jam_mulai.strftime("%H.%M") if pertemuan.jam_mulai else "-",
            materi=pertemuan.judul,
            hadir=hadir,
        )
        if len(rows) >= BATCH:
            Kehadiran.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            rows = []
    Kehadiran.objects.bulk_create(rows, batch_size=BATCH)
    written += len(rows)
    Pertemuan.objects.bulk_update([p for p, _ in meetings], ["deskripsi"], batch_size=BATCH)
    # Written in bulk, past the services that keep the recaps' summaries: build them now.
    ringkasan_services.ringkasan_bangun_ulang()
    stats = StatistikDemo(
        kelompok=len(groups), keanggotaan=len(anggota), pertemuan=len(meetings), kehadiran=written
    )
    if tulis is not None:
        tulis(
            f"P2K2 demo: {stats.kelompok} kelompok, {stats.pertemuan} pertemuan, "
            f"{stats.kehadiran} catatan kehadiran."
        )
    return stats
