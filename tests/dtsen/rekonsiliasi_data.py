"""Hand-built sources for the reconciliation tests: people, KPM families, DTSEN and PBI-JK
snapshots loaded through the real importer (tests/dtsen/conftest.py `muat`) and applied.

A person is consistent with their NIK (DOMAIN.md §8) unless a test says otherwise.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dinsos.models import User, Wilayah
from dinsos.names import normalize_nama
from dtsen import services
from dtsen.models import Jenis, Rekonsiliasi, Snapshot, Temuan
from kpm.models import Anggota, Keluarga
from tests.dtsen.conftest import HADIMULYO_BPS, TANGGAL_DATA, make_nik, make_no_kk, write_csv
from tests.factories import KeluargaFactory

PBIJK_HEADERS = ["NIK", "NAMA", "NO KK", "NOKA", "TGL LAHIR", "JK", "KODE DESA", "STATUS", "DESIL"]


@dataclass(frozen=True)
class Orang:
    """One person as a source knows them."""

    serial: int
    nama: str
    lahir: datetime.date = datetime.date(1980, 5, 17)
    jk: str = "L"
    kk: int = 1
    nik_serial: int | None = None  # a NIK that disagrees with `serial` (typing error)

    @property
    def nik(self) -> str:
        return make_nik(self.lahir, "2" if self.jk == "P" else "1", self.nik_serial or self.serial)

    @property
    def no_kk(self) -> str:
        return make_no_kk(self.kk)

    def but(self, **changes: Any) -> Orang:
        return replace(self, **changes)


def dtsen_row(
    o: Orang, *, desil: object = 3, kode: str = HADIMULYO_BPS, nik: str | None = None
) -> list[object]:
    """One DTSEN row (tests/dtsen/conftest.py HEADERS order)."""
    return [
        nik or o.nik,
        o.nama,
        o.no_kk,
        o.lahir.isoformat(),
        "2" if o.jk == "P" else "1",
        "1",
        f"Jl. Contoh No. {o.serial}",
        "001",
        "002",
        kode,
        "" if desil is None else str(desil),
    ]


def pbijk_row(
    o: Orang,
    *,
    status: str = "AKTIF",
    desil: object = "",
    kode: str = HADIMULYO_BPS,
    no_kk: str | None = None,
    nik: str | None = None,
) -> list[object]:
    """One PBI-JK row (PBIJK_HEADERS order); names upper case, as the lists write them."""
    return [
        nik or o.nik,
        o.nama.upper(),
        o.no_kk if no_kk is None else no_kk,
        f"000{o.serial:010d}",
        o.lahir.isoformat(),
        o.jk,
        kode,
        status,
        "" if desil is None else str(desil),
    ]


def terapkan(
    muat: Any,
    admin: User,
    tmp_path: Path,
    rows: Sequence[Sequence[object]],
    *,
    jenis: Jenis = Jenis.DTSEN,
    tanggal: datetime.date = TANGGAL_DATA,
) -> Snapshot:
    """Load a file of `rows` through the importer and apply it (it becomes the active one)."""
    headers = PBIJK_HEADERS if jenis == Jenis.PBIJK else None
    path = tmp_path / f"{jenis}-{tanggal.isoformat()}.csv"
    if headers:
        write_csv(path, rows, headers=headers)
    else:
        write_csv(path, rows)
    snapshot = muat(path, jenis=jenis, tanggal=tanggal)
    assert snapshot.status == Snapshot.Status.SIAP_DITINJAU, snapshot.pesan_gagal
    services.snapshot_apply(snapshot=snapshot, applied_by=admin)
    snapshot.refresh_from_db()
    return snapshot


def keluarga(
    *members: Orang,
    kelurahan: Wilayah,
    pendamping: User | None = None,
    status: str = Keluarga.Status.AKTIF,
    kk: int | None = None,
) -> Keluarga:
    """A KPM family with these members; the first is the pengurus."""
    family = KeluargaFactory(
        no_kk=make_no_kk(kk if kk is not None else members[0].kk),
        kelurahan=kelurahan,
        pendamping=pendamping,
        status=status,
    )
    created = [
        Anggota.objects.create(
            keluarga=family,
            nik=o.nik,
            nama=o.nama,
            nama_cari=normalize_nama(o.nama),
            jenis_kelamin=o.jk,
            tanggal_lahir=o.lahir,
            hubungan=Anggota.Hubungan.KEPALA_KELUARGA if i == 0 else Anggota.Hubungan.ANAK,
        )
        for i, o in enumerate(members)
    ]
    family.pengurus = created[0]
    family.save(update_fields=["pengurus"])
    return family


def jalankan(
    jenis: Rekonsiliasi.Jenis,
    wilayah: Wilayah,
    user: User | None,
    mode: Rekonsiliasi.Mode = Rekonsiliasi.Mode.TUNGGAL,
) -> Rekonsiliasi:
    """Create a run and execute it here, synchronously (as `manage.py reconcile` does)."""
    run = services.rekonsiliasi_create(jenis=jenis, wilayah=wilayah, started_by=user, mode=mode)
    services.rekonsiliasi_run(rekonsiliasi_id=run.pk)
    run.refresh_from_db()
    return run


def terbuka(jenis: Rekonsiliasi.Jenis | None = None) -> list[Temuan]:
    temuan = Temuan.objects.filter(closed_at__isnull=True)
    if jenis:
        temuan = temuan.filter(jenis=jenis)
    return list(temuan.order_by("kategori", "nik", "no_kk"))


@dataclass
class DuniaTemuan:
    """A finished KPM-vs-DTSEN run over four families in two kecamatan."""

    run: Rekonsiliasi
    m1: Orang  # Hadimulyo Barat, pendamping A: not in DTSEN (and the family has no desil)
    m2: Orang  # Hadimulyo Barat, pendamping A: desil 7
    m3: Orang  # Hadimulyo Barat, no pendamping: not in DTSEN
    m4: Orang  # Iring Mulyo, pendamping B: not in DTSEN

    def temuan(self, kategori: str, o: Orang) -> Temuan:
        subjek = {"nik": o.nik} if kategori.startswith("kpm_tidak") else {"no_kk": o.no_kk}
        return Temuan.objects.get(kategori=kategori, **subjek)


def dunia_temuan(
    muat: Any,
    admin: User,
    tmp_path: Path,
    kota_metro: dict[str, Wilayah],
    pendamping_a: User,
    pendamping_b: User,
) -> DuniaTemuan:
    m1 = Orang(61, "Suminah", jk="P", kk=61)
    m2 = Orang(62, "Joko Susilo", kk=62)
    m3 = Orang(63, "Paijo", kk=63)
    m4 = Orang(64, "Painem", jk="P", kk=64)
    terapkan(muat, admin, tmp_path, [dtsen_row(m2, desil=7)])
    hadimulyo, iringmulyo = kota_metro["Hadimulyo Barat"], kota_metro["Iring Mulyo"]
    keluarga(m1, kelurahan=hadimulyo, pendamping=pendamping_a)
    keluarga(m2, kelurahan=hadimulyo, pendamping=pendamping_a)
    keluarga(m3, kelurahan=hadimulyo)
    keluarga(m4, kelurahan=iringmulyo, pendamping=pendamping_b)
    run = jalankan(Rekonsiliasi.Jenis.KPM_DTSEN, kota_metro["Kota Metro"], admin)
    return DuniaTemuan(run, m1, m2, m3, m4)
