"""Demo PSKS beyond the four kinds of the 2025 evaluation, and PMKS clients (issue 20).

Demo data only. Issue 19 gives Kota Metro 2025 30 ASN beside the 32 pendamping PKH, 4 Rehsos,
5 TKSK and 29 PSM of DOMAIN.md §12; a few Karang Taruna and LKS are the demo's own choice.
PMKS clients who are not KPM are handled by the Rehsos, TKSK and PSM workers, each with some
cases, visits and referrals in the last months (bulk inserts from the seeded generator).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence

from dinsos.models import User, Wilayah
from pendamping import services
from pendamping.models import Kasus, KategoriPmks, KlienPmks, Kunjungan, Pendamping, Rujukan

JUMLAH_ASN = 30  # issue 19: Kota Metro 2025
JUMLAH_KARANG_TARUNA = 3  # demo choice: "a few"
JUMLAH_LKS = 2  # demo choice: "a few"
KLIEN_PER_PETUGAS = 3
KATEGORI_DEMO = (
    "lansia_terlantar",
    "penyandang_disabilitas",
    "anak_jalanan",
    "anak_terlantar",
    "gelandangan",
    "pengemis",
    "fakir_miskin",
)


def generate_psks(
    *,
    rng: random.Random,
    today: datetime.date,
    kelurahan: Sequence[Wilayah],
    kecamatan: Sequence[Wilayah],
    oleh: User,
    nama: Callable[[random.Random], str],
) -> int:
    """Create the ASN, Karang Taruna and LKS workers and the PMKS clients with their
    records; returns the number of clients."""
    for i in range(JUMLAH_ASN):
        services.pendamping_create(
            nama=nama(rng),
            jenis=Pendamping.Jenis.ASN,
            mulai=datetime.date(2010 + i % 12, 1 + i % 12, 1),
            wilayah=[kecamatan[i % len(kecamatan)]],
        )
    for jenis, jumlah in (
        (Pendamping.Jenis.KARANG_TARUNA, JUMLAH_KARANG_TARUNA),
        (Pendamping.Jenis.LKS, JUMLAH_LKS),
    ):
        for i in range(jumlah):
            services.pendamping_create(
                nama=nama(rng),
                jenis=jenis,
                mulai=datetime.date(2020, 1 + i, 1),
                wilayah=[kelurahan[(i * 7) % len(kelurahan)]],
            )
    kategori = {k.kode: k for k in KategoriPmks.objects.filter(kode__in=KATEGORI_DEMO)}
    petugas = Pendamping.objects.filter(
        jenis__kode__in=[Pendamping.Jenis.REHSOS, Pendamping.Jenis.TKSK, Pendamping.Jenis.PSM]
    ).prefetch_related("wilayah")
    klien: list[KlienPmks] = []
    for p in petugas:
        area = p.wilayah.all()[0]
        pilihan = [k for k in kelurahan if k.parent_id == area.pk] or [area]
        klien.extend(
            KlienPmks(
                nama=nama(rng),
                jenis_kelamin=rng.choice("LP"),
                tanggal_lahir=datetime.date(rng.randint(1940, 2015), rng.randint(1, 12), 1),
                kelurahan=rng.choice(pilihan),
                kategori=kategori[rng.choice(KATEGORI_DEMO)],
                pendamping=p,
                dicatat_oleh=oleh,
            )
            for _ in range(KLIEN_PER_PETUGAS)
        )
    klien = KlienPmks.objects.bulk_create(klien)
    kasus, kunjungan, rujukan = [], [], []
    for k in klien:
        lapor = today - datetime.timedelta(days=rng.randint(5, 200))
        kunjungan.append(
            Kunjungan(klien=k, pendamping=k.pendamping, tanggal=lapor, dicatat_oleh=oleh)
        )
        if rng.random() < 0.6:
            ditangani = min(today, lapor + datetime.timedelta(days=rng.randint(0, 6)))
            kasus.append(
                Kasus(
                    klien=k,
                    pendamping=k.pendamping,
                    tanggal_lapor=lapor,
                    kategori=Kasus.Kategori.LAINNYA,
                    deskripsi="Perlu pendampingan dan bantuan sosial.",
                    status=Kasus.Status.DITANGANI,
                    tanggal_ditangani=ditangani,
                    dicatat_oleh=oleh,
                )
            )
        if rng.random() < 0.4:
            # Some answered, some still waiting (and overdue past the setting's 14 days).
            selesai = rng.random() < 0.5
            rujukan.append(
                Rujukan(
                    klien=k,
                    pendamping=k.pendamping,
                    tujuan=Rujukan.Tujuan.PUSKESMAS,
                    tanggal_kirim=lapor,
                    status=Rujukan.Status.SELESAI if selesai else Rujukan.Status.DIKIRIM,
                    tanggal_selesai=min(today, lapor + datetime.timedelta(days=7))
                    if selesai
                    else None,
                    hasil="Diperiksa dan diberi obat." if selesai else "",
                    dicatat_oleh=oleh,
                )
            )
    Kunjungan.objects.bulk_create(kunjungan)
    Kasus.objects.bulk_create(kasus)
    Rujukan.objects.bulk_create(rujukan)
    return len(klien)
