"""P2K2 fixtures: the curriculum, groups of families, meetings.

`kelompok_a`: a group of 5 families led by `pendamping_hadimulyo` (Hadimulyo Barat, Metro
Pusat), so the koordinator of Metro Pusat sees it and `pendamping_iringmulyo` does not.
"""

from __future__ import annotations

import datetime
import importlib
import uuid
from collections.abc import Sequence

import pytest
from django.apps import apps

from dinsos.models import User, Wilayah
from kpm.models import Keluarga
from p2k2 import services
from p2k2.models import Kelompok, Modul, Pertemuan, Sesi
from tests.factories import keluarga_with_pengurus

TANGGAL = datetime.date(2025, 3, 10)
_seed = importlib.import_module("p2k2.migrations.0002_kurikulum_awal")


@pytest.fixture
def jeda_dilewati(db: None) -> None:
    """The non-default reading of issue 20 (D13): izin/sakit are skipped, not ending a run."""
    from dinsos.models import Pengaturan

    Pengaturan.objects.create(
        kunci="runtun_jeda_berketerangan_memutus",
        nilai=False,
        berlaku_mulai=datetime.date(2000, 1, 1),
    )


@pytest.fixture
def kurikulum(db: None) -> dict[str, Modul]:
    """The curriculum as the data migration seeds it (re-run: transactional tests flush it)."""
    _seed.seed(apps, None)
    return {m.nama: m for m in Modul.objects.all()}


def sesi(modul: str, urutan: int) -> Sesi:
    return Sesi.objects.get(modul__nama=modul, urutan=urutan)


def buat_keluarga(
    pendamping: User, kelurahan: Wilayah, n: int, nama: str = "Warga"
) -> list[Keluarga]:
    return [
        keluarga_with_pengurus(
            kelurahan=kelurahan, pendamping=pendamping, pengurus_nama=f"{nama} {i + 1}"
        )
        for i in range(n)
    ]


def buat_kelompok(
    pendamping: User,
    kelurahan: Wilayah,
    keluarga: Sequence[Keluarga],
    nama: str = "Melati",
    mulai: datetime.date = datetime.date(2025, 1, 1),
) -> Kelompok:
    kelompok = services.kelompok_create(
        data={"nama": nama, "pendamping": pendamping, "kelurahan": kelurahan, "tempat": "Balai"},
        oleh=pendamping,
    )
    if keluarga:
        services.keanggotaan_tambah(
            kelompok=kelompok, keluarga_ids=[k.pk for k in keluarga], oleh=pendamping, tanggal=mulai
        )
    return kelompok


def buat_pertemuan(
    kelompok: Kelompok, tanggal: datetime.date = TANGGAL, sesi_obj: Sesi | None = None
) -> Pertemuan:
    return services.pertemuan_create(
        kelompok=kelompok,
        data={
            "sesi": sesi_obj or sesi("Kesehatan dan Gizi", 1),
            "tanggal": tanggal,
            "jam_mulai": datetime.time(9, 0),
            "jam_selesai": datetime.time(10, 30),
            "tempat": "Rumah ketua kelompok",
            "narasumber_1": "Sri Lestari (Pendamping PKH)",
            "deskripsi": "Pertemuan rutin bulanan.",
        },
        oleh=kelompok.pendamping,
    )


def catat(
    pertemuan: Pertemuan, marks: dict[Keluarga, str], oleh: User | None = None
) -> dict[str, object]:
    """Record marks as one submission from a fresh page (every base version 0)."""
    return services.kehadiran_submit(
        pertemuan=pertemuan,
        kiriman_id=uuid.uuid4(),
        tanda=[services.Tanda(k.pk, s, "", 0) for k, s in marks.items()],
        oleh=oleh or pertemuan.kelompok.pendamping,
    )


@pytest.fixture
def keluarga_a(kota_metro, pendamping_hadimulyo) -> list[Keluarga]:
    return buat_keluarga(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], 5, "Siti")


@pytest.fixture
def kelompok_a(kurikulum, kota_metro, pendamping_hadimulyo, keluarga_a) -> Kelompok:
    return buat_kelompok(pendamping_hadimulyo, kota_metro["Hadimulyo Barat"], keluarga_a)


@pytest.fixture
def pertemuan_a(kelompok_a) -> Pertemuan:
    return buat_pertemuan(kelompok_a)
