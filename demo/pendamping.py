"""Demo workforce for Kota Metro (DOMAIN.md §12), for `seed_demo`.

Demo data only: never run it on a production database. The 2025 mix the office evaluated:
32 pendamping PKH (the two demo accounts `pendamping` and `pendamping2` plus pkh01…pkh30, all
with logins), 4 pendamping Rehsos, 5 TKSK and 29 PSM (no logins). The families already in
the registry are assigned by kelurahan within the caseload ceilings through the assignment
service (so the history is real), and a year of visits, cases, referrals and satisfaction
scores is written with bulk inserts from one seeded random generator.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from demo.psks import generate_psks
from dinsos.bulan import awal_bulan
from dinsos.demo import DEMO_PASSWORD
from dinsos.formatting import JAKARTA
from dinsos.models import AuditEvent, User, Wilayah
from kpm.models import Keluarga
from pendamping import services
from pendamping.models import (
    Kasus,
    Kunjungan,
    Pendamping,
    Penugasan,
    Rujukan,
    SkorKepuasan,
)

SEED = 1872
BATCH = 5000
# DOMAIN.md §12: the Kota Metro 2025 mix.
JUMLAH_PKH_BARU = 30  # + the two existing demo accounts = 32 pendamping PKH
JUMLAH_REHSOS = 4
JUMLAH_TKSK = 5
JUMLAH_PSM = 29
AKUN_DEMO_PENDAMPING = ("pendamping", "pendamping2")
P_KUNJUNGAN_BULANAN = 0.6  # share of families visited or verified in a month
P_VERIFIKASI = 0.2  # of the contacts, a verification rather than a home visit
P_KASUS_BULANAN = 0.025  # ~0,3 cases per family per year
P_RUJUKAN = 0.5  # of the cases, referred to another service
P_SKOR_TAHUNAN = 0.5  # families that gave a satisfaction score in the year
SKOR_BOBOT = {5: 35, 4: 40, 3: 17, 2: 6, 1: 2}
STATUS_DIDAMPINGI = (
    Keluarga.Status.AKTIF,
    Keluarga.Status.DITANGGUHKAN,
    Keluarga.Status.CALON_GRADUASI,
)

NAMA_DEPAN = (
    "Agus", "Ahmad", "Andi", "Ani", "Budi", "Dedi", "Dewi", "Eka", "Fajar", "Fitri", "Hendra",
    "Indah", "Joko", "Kartini", "Lestari", "Made", "Nur", "Putri", "Rahmat", "Rina", "Sari",
    "Siti", "Slamet", "Sri", "Tri", "Wahyu", "Wati", "Yanti", "Yusuf", "Zainal",
)  # fmt: skip
NAMA_BELAKANG = (
    "Pratama", "Saputra", "Wijaya", "Lestari", "Rahayu", "Hidayat", "Kurniawan", "Susanti",
    "Setiawan", "Purnama", "Handayani", "Nugroho", "Wulandari", "Santoso", "Maharani",
)  # fmt: skip
URAIAN_KASUS = {
    Kasus.Kategori.PENDIDIKAN: "Anak jarang masuk sekolah; perlu pendampingan ke sekolah.",
    Kasus.Kategori.KESEHATAN: "Balita belum ditimbang dua bulan; ibu perlu diantar ke posyandu.",
    Kasus.Kategori.PERLINDUNGAN_ANAK: "Laporan tetangga tentang anak yang sering ditinggal.",
    Kasus.Kategori.ADMINDUK: "Akta kelahiran anak belum ada; KK belum diperbarui.",
    Kasus.Kategori.BANTUAN: "Bantuan tahap ini belum masuk ke rekening pengurus.",
    Kasus.Kategori.EKONOMI: "Kepala keluarga kehilangan pekerjaan bulan ini.",
    Kasus.Kategori.BENCANA: "Rumah terdampak banjir; perlu bantuan darurat.",
    Kasus.Kategori.LAINNYA: "Keluarga meminta informasi program lain.",
}
TUJUAN_KATEGORI = {
    Kasus.Kategori.PENDIDIKAN: Rujukan.Tujuan.SEKOLAH,
    Kasus.Kategori.KESEHATAN: Rujukan.Tujuan.PUSKESMAS,
    Kasus.Kategori.ADMINDUK: Rujukan.Tujuan.DUKCAPIL,
}


@dataclass(frozen=True)
class StatistikDemo:
    pendamping: dict[str, int]
    penugasan: int
    kunjungan: int
    kasus: int
    rujukan: int
    skor: int


@dataclass(frozen=True)
class _Periode:
    """One family with one pendamping (user id) from `mulai` to `selesai` (inclusive)."""

    keluarga_id: int
    user_id: int
    mulai: datetime.date
    selesai: datetime.date


def _nama(rng: random.Random) -> str:
    return f"{rng.choice(NAMA_DEPAN)} {rng.choice(NAMA_BELAKANG)}"


def _nik(rng: random.Random, kecamatan: int, serial: int) -> str:
    """A well-formed NIK (DOMAIN.md §8): 1872 + kecamatan + DDMMYY (+40 for women) + serial."""
    lahir = datetime.date(1975, 1, 1) + datetime.timedelta(days=rng.randrange(7300))
    day = lahir.day + (40 if rng.random() < 0.6 else 0)
    return f"1872{kecamatan:02d}{day:02d}{lahir:%m%y}{serial:04d}"


def _telepon(rng: random.Random) -> str:
    return f"08{rng.choice('1257')}{rng.randrange(10**8, 10**9)}"


def _hari(rng: random.Random, awal: datetime.date, akhir: datetime.date) -> datetime.date:
    return awal + datetime.timedelta(days=rng.randrange((akhir - awal).days + 1))


def _create_workers(
    rng: random.Random,
    kelurahan: Sequence[Wilayah],
    kecamatan: Sequence[Wilayah],
    per_kelurahan: dict[int, int],
) -> dict[int, list[User]]:
    """Create the workforce; returns kelurahan id → its PKH pendamping accounts."""
    pkh: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        username__in=AKUN_DEMO_PENDAMPING, role=User.Role.PENDAMPING
    ).prefetch_related("wilayah"):
        areas = list(user.wilayah.all())
        services.pendamping_create(
            nama=str(user),
            jenis=Pendamping.Jenis.PKH,
            mulai=datetime.date(2019, 1, 2),
            wilayah=areas,
            user=user,
            nik=_nik(rng, 1, 9001 + len(pkh)),
            telepon=_telepon(rng),
        )
        for area in areas:
            pkh[area.pk].append(user)
    # One new pendamping per kelurahan, then a second one where there are most families.
    busiest = sorted(kelurahan, key=lambda k: -per_kelurahan.get(k.pk, 0))
    seconds = [k for k in busiest if not pkh.get(k.pk)][: JUMLAH_PKH_BARU - len(kelurahan)]
    areas_pkh = [*kelurahan, *seconds]
    password = make_password(DEMO_PASSWORD)  # hashed once: 30 accounts share the demo password
    users = User.objects.bulk_create(
        [
            User(
                username=f"pkh{i + 1:02d}",
                first_name=_nama(rng),
                role=User.Role.PENDAMPING,
                password=password,
            )
            for i in range(JUMLAH_PKH_BARU)
        ]
    )
    kec_index = {k.pk: i + 1 for i, k in enumerate(kecamatan)}
    for i, (user, area) in enumerate(zip(users, areas_pkh, strict=True)):
        services.pendamping_create(
            nama=user.first_name,
            jenis=Pendamping.Jenis.PKH,
            mulai=datetime.date(2018 + i % 6, 1 + i % 12, 2),
            wilayah=[area],
            user=user,
            nik=_nik(rng, kec_index.get(area.parent_id or 0, 1), 9101 + i),
            telepon=_telepon(rng),
            # The last one works the hard-to-reach outskirts (ceiling 150, DOMAIN.md §11).
            is_wilayah_sulit=i == JUMLAH_PKH_BARU - 1,
        )
        pkh[area.pk].append(user)
    others = (
        [(Pendamping.Jenis.REHSOS, kecamatan[i % len(kecamatan)]) for i in range(JUMLAH_REHSOS)]
        + [(Pendamping.Jenis.TKSK, kecamatan[i % len(kecamatan)]) for i in range(JUMLAH_TKSK)]
        + [(Pendamping.Jenis.PSM, kelurahan[i % len(kelurahan)]) for i in range(JUMLAH_PSM)]
    )
    for i, (jenis, area) in enumerate(others):
        services.pendamping_create(
            nama=_nama(rng),
            jenis=jenis,
            mulai=datetime.date(2015 + i % 9, 1 + i % 12, 1),
            wilayah=[area],
            nik=_nik(rng, kec_index.get(area.parent_id or area.pk, 1), 9201 + i),
            telepon=_telepon(rng),
        )
    return pkh


def _assign(
    *,
    pkh: dict[int, list[User]],
    kelurahan: Sequence[Wilayah],
    oleh: User,
    setahun_lalu: datetime.date,
    enam_bulan_lalu: datetime.date,
) -> None:
    """History for the families kpm's generator gave the demo accounts (they keep them), then
    every unassigned family of a kelurahan split among its new PKH pendamping within the
    ceiling; where two share a kelurahan, a quarter moved from one to the other six months
    ago, so those family pages show who had them when."""
    services.penugasan_lengkapi(mulai=setahun_lalu, oleh=oleh)
    batas = {
        p.user_id: services.batas_keluarga(is_wilayah_sulit=p.is_wilayah_sulit)
        for p in Pendamping.objects.filter(user__isnull=False)
    }
    for area in kelurahan:
        users = [u for u in pkh.get(area.pk, []) if u.username not in AKUN_DEMO_PENDAMPING]
        if not users:
            continue
        free = list(
            Keluarga.objects.filter(kelurahan=area, pendamping__isnull=True)
            .order_by("pk")
            .values_list("pk", "status")
        )
        load = dict.fromkeys((u.pk for u in users), 0)
        chunks: dict[int, list[int]] = defaultdict(list)
        for index, (pk, status) in enumerate(free):
            # Round-robin, skipping anyone at their ceiling; beyond every ceiling, unassigned.
            served = status in STATUS_DIDAMPINGI
            for step in range(len(users)):
                user = users[(index + step) % len(users)]
                if not served or load[user.pk] < batas[user.pk]:
                    chunks[user.pk].append(pk)
                    load[user.pk] += int(served)
                    break
        for user in users:
            if chunks[user.pk]:
                services.keluarga_tugaskan(
                    keluarga_ids=chunks[user.pk], ke=user, oleh=oleh, tanggal_mulai=setahun_lalu
                )
        if len(users) > 1:
            giver, taker = users[0], users[1]
            room = max(0, batas[taker.pk] - load[taker.pk])
            moved = chunks[giver.pk][: min(len(chunks[giver.pk]) // 4, room)]
            if moved:
                services.keluarga_tugaskan(
                    keluarga_ids=moved, ke=taker, oleh=oleh, tanggal_mulai=enam_bulan_lalu
                )


@dataclass
class _Buffer:
    kunjungan: list[Kunjungan] = field(default_factory=list)
    kasus: list[Kasus] = field(default_factory=list)
    rujukan: list[Rujukan] = field(default_factory=list)
    skor: list[SkorKepuasan] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def flush(self, *, force: bool = False) -> None:
        """Write the buffered rows once there are enough (memory stays flat at any size)."""
        if not force and len(self.kunjungan) < BATCH:
            return
        Kunjungan.objects.bulk_create(self.kunjungan, batch_size=BATCH)
        Kasus.objects.bulk_create(self.kasus, batch_size=BATCH)
        Rujukan.objects.bulk_create(self.rujukan, batch_size=BATCH)
        SkorKepuasan.objects.bulk_create(self.skor, batch_size=BATCH)
        for name, rows in (
            ("kunjungan", self.kunjungan),
            ("kasus", self.kasus),
            ("rujukan", self.rujukan),
            ("skor", self.skor),
        ):
            self.written[name] += len(rows)
            rows.clear()


def _records(
    rng: random.Random, today: datetime.date, p: _Periode, pendamping_id: int, out: _Buffer
) -> None:
    """A year (at most) of field records for one family during one assignment."""
    start, end = max(p.mulai, awal_bulan(today, geser=-12)), min(p.selesai, today)
    if start > end:
        return
    month = datetime.date(start.year, start.month, 1)
    while month <= end:
        next_month = awal_bulan(month, geser=1)
        lo, hi = max(month, start), min(next_month - datetime.timedelta(days=1), end)
        if rng.random() < P_KUNJUNGAN_BULANAN:
            jenis = (
                Kunjungan.Jenis.VERIFIKASI
                if rng.random() < P_VERIFIKASI
                else Kunjungan.Jenis.KUNJUNGAN_RUMAH
            )
            out.kunjungan.append(
                Kunjungan(
                    keluarga_id=p.keluarga_id,
                    pendamping_id=pendamping_id,
                    tanggal=_hari(rng, lo, hi),
                    jenis=jenis,
                    dicatat_oleh_id=p.user_id,
                )
            )
        if rng.random() < P_KASUS_BULANAN:
            out.kasus.append(_kasus(rng, today, p, pendamping_id, _hari(rng, lo, hi), out.rujukan))
        month = next_month
    if rng.random() < P_SKOR_TAHUNAN * (end - start).days / 365:
        out.skor.append(
            SkorKepuasan(
                keluarga_id=p.keluarga_id,
                pendamping_id=pendamping_id,
                skor=rng.choices(list(SKOR_BOBOT), list(SKOR_BOBOT.values()))[0],
                tanggal=_hari(rng, start, end),
                dicatat_oleh_id=p.user_id,
            )
        )


def generate_catatan(*, today: datetime.date, seed: int = SEED) -> dict[str, int]:
    """Visits, cases, referrals and scores for the last year of every recorded assignment of
    a family still served, each by whoever had the family that day; written in batches.
    Returns the number of rows written per kind (also used by the benchmark)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    profil = dict(Pendamping.objects.filter(user__isnull=False).values_list("user_id", "pk"))
    out = _Buffer()
    rows = (
        Penugasan.objects.filter(keluarga__status__in=STATUS_DIDAMPINGI)
        .order_by("pk")
        .values_list("keluarga_id", "pendamping_id", "mulai", "selesai")
    )
    for keluarga_id, user_id, mulai, selesai in rows.iterator(chunk_size=BATCH):
        if user_id in profil:
            period = _Periode(keluarga_id, user_id, mulai, selesai or today)
            _records(rng, today, period, profil[user_id], out)
            out.flush()
    out.flush(force=True)
    with connection.cursor() as cursor:
        for model in (Penugasan, Kunjungan, Kasus, Rujukan, SkorKepuasan):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return dict(out.written)


def _kasus(
    rng: random.Random,
    today: datetime.date,
    p: _Periode,
    pendamping_id: int,
    lapor: datetime.date,
    rujukan: list[Rujukan],
) -> Kasus:
    kategori = rng.choice(list(Kasus.Kategori))
    hari = rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 7, 7, 10, 14, 21))
    ditangani = lapor + datetime.timedelta(days=hari)
    kasus = Kasus(
        keluarga_id=p.keluarga_id,
        pendamping_id=pendamping_id,
        tanggal_lapor=lapor,
        kategori=kategori,
        deskripsi=URAIAN_KASUS[kategori],
        dicatat_oleh_id=p.user_id,
    )
    if ditangani <= today and rng.random() < 0.92:
        kasus.tanggal_ditangani = ditangani
        kasus.status = Kasus.Status.SELESAI if rng.random() < 0.6 else Kasus.Status.DITANGANI
        kasus.tindakan = "Keluarga didampingi dan diberi arahan."
    if rng.random() < P_RUJUKAN:
        kirim = min(today, (kasus.tanggal_ditangani or lapor) + datetime.timedelta(days=1))
        tujuan = TUJUAN_KATEGORI.get(kategori, rng.choice(list(Rujukan.Tujuan)))
        r = Rujukan(
            keluarga_id=p.keluarga_id,
            pendamping_id=pendamping_id,
            tujuan=tujuan,
            tujuan_lain="Dinas Tenaga Kerja" if tujuan == Rujukan.Tujuan.LAINNYA else "",
            tanggal_kirim=kirim,
            keperluan=URAIAN_KASUS[kategori],
            dicatat_oleh_id=p.user_id,
        )
        selesai = kirim + datetime.timedelta(days=rng.randrange(1, 21))
        if selesai <= today and rng.random() < 0.75:
            r.tanggal_selesai = selesai
            r.status = (
                Rujukan.Status.SELESAI if rng.random() < 0.85 else Rujukan.Status.TIDAK_DILAYANI
            )
            r.hasil = (
                "Layanan diterima." if r.status == Rujukan.Status.SELESAI else "Syarat kurang."
            )
        rujukan.append(r)
    return kasus


def _unusual_exports(today: datetime.date) -> None:
    """Two evening exports by pkh03 last month: the data-protection flag has something to show."""
    user = User.objects.filter(username="pkh03").first()
    if user is None:
        return
    bulan_lalu = awal_bulan(today, geser=-1)
    for day, jam in ((bulan_lalu.replace(day=12), 20), (bulan_lalu.replace(day=19), 21)):
        event = AuditEvent.objects.create(
            user=user,
            username=user.username,
            action=AuditEvent.Action.EXPORT,
            object_type="kpm.keluarga",
            reason="Daftar keluarga dampingan",
            jumlah=180,
        )
        waktu = datetime.datetime.combine(day, datetime.time(jam, 15), tzinfo=JAKARTA)
        AuditEvent.objects.filter(pk=event.pk).update(created_at=waktu)


@transaction.atomic
def generate(
    *, today: datetime.date, seed: int = SEED, tulis: Callable[[str], object] | None = None
) -> StatistikDemo | None:
    """Create the demo workforce, assignments and a year of field records.

    Does nothing (returns None) when any Pendamping profile exists, so `seed_demo` can call it
    on every run. Needs the Kota Metro areas and an admin account (who makes the assignments).
    """
    if Pendamping.objects.exists():
        return None
    oleh = User.objects.filter(role=User.Role.ADMIN).order_by("pk").first()
    if oleh is None:
        return None
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    areas = Wilayah.objects.filter(kode__startswith="18.72.", berlaku_sampai__isnull=True)
    kelurahan = list(areas.filter(tingkat=Wilayah.Tingkat.KELURAHAN).order_by("kode"))
    kecamatan = list(areas.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("kode"))
    per_kelurahan: dict[int, int] = defaultdict(int)
    for kelurahan_id in Keluarga.objects.values_list("kelurahan_id", flat=True):
        per_kelurahan[kelurahan_id] += 1
    pkh = _create_workers(rng, kelurahan, kecamatan, per_kelurahan)
    _assign(
        pkh=pkh,
        kelurahan=kelurahan,
        oleh=oleh,
        setahun_lalu=awal_bulan(today, geser=-12),
        enam_bulan_lalu=awal_bulan(today, geser=-6),
    )
    written = generate_catatan(today=today, seed=seed)
    # Issue 20: ASN, Karang Taruna, LKS and PMKS clients of the Rehsos/TKSK/PSM workers.
    generate_psks(
        rng=rng, today=today, kelurahan=kelurahan, kecamatan=kecamatan, oleh=oleh, nama=_nama
    )
    _unusual_exports(today)
    services.rekap_akses_harian(sampai=today - datetime.timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Pendamping._meta.db_table)}")
    jumlah = {
        label: Pendamping.objects.filter(jenis__kode=jenis).count()
        for jenis, label in Pendamping.Jenis.choices
    }
    stats = StatistikDemo(
        pendamping=jumlah,
        penugasan=Penugasan.objects.count(),
        kunjungan=written["kunjungan"],
        kasus=written["kasus"],
        rujukan=written["rujukan"],
        skor=written["skor"],
    )
    if tulis is not None:
        tulis(
            "Pendamping demo: "
            + ", ".join(f"{n} {label}" for label, n in jumlah.items())
            + f"; {stats.penugasan} penugasan, {stats.kunjungan} kunjungan, {stats.kasus} kasus, "
            f"{stats.rujukan} rujukan, {stats.skor} skor kepuasan."
        )
    return stats
