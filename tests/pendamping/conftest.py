"""Pendamping fixtures: worker profiles for the personas and families assigned to them.

- `profil_a`: PKH profile of `pendamping_hadimulyo` (Hadimulyo Barat, Metro Pusat): the
  koordinator of Metro Pusat sees it, `pendamping_iringmulyo` does not.
- `profil_b`: PKH profile of `pendamping_iringmulyo` (Iring Mulyo, Metro Timur).
- `keluarga_a` / `keluarga_b`: one family each, assigned (with history) to A / B.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

import pytest

from dinsos import hooks
from dinsos.models import AuditEvent, User, Wilayah
from kpm.models import Keluarga
from pendamping import selectors as pendamping_selectors
from pendamping import services
from pendamping.models import Kasus, Kunjungan, Pendamping, Penugasan, Rujukan, SkorKepuasan
from tests.factories import keluarga_with_pengurus

AWAL_2025 = datetime.date(2025, 1, 1)


def buat_profil(
    user: User | None,
    *,
    nama: str | None = None,
    jenis: Pendamping.Jenis = Pendamping.Jenis.PKH,
    wilayah: Iterable[Wilayah] = (),
    is_wilayah_sulit: bool = False,
    mulai: datetime.date = datetime.date(2024, 1, 1),
) -> Pendamping:
    areas = list(wilayah) or (list(user.wilayah.all()) if user else [])
    return services.pendamping_create(
        nama=nama or (str(user) if user else "Tanpa Akun"),
        jenis=jenis,
        mulai=mulai,
        wilayah=areas,
        user=user,
        is_wilayah_sulit=is_wilayah_sulit,
    )


def buat_keluarga(kelurahan: Wilayah, n: int = 1, nama: str = "Warga") -> list[Keluarga]:
    return [
        keluarga_with_pengurus(kelurahan=kelurahan, pengurus_nama=f"{nama} {i + 1}")
        for i in range(n)
    ]


def tugaskan(
    keluarga: Iterable[Keluarga], ke: User, oleh: User, mulai: datetime.date = AWAL_2025
) -> None:
    services.keluarga_tugaskan(
        keluarga_ids=[k.pk for k in keluarga], ke=ke, oleh=oleh, tanggal_mulai=mulai
    )


def snapshot() -> dict[str, object]:
    """What a denied request must leave untouched."""
    return {
        "audit": AuditEvent.objects.count(),
        "kasus": list(Kasus.objects.values_list("pk", "status", "tanggal_ditangani")),
        "rujukan": list(Rujukan.objects.values_list("pk", "status")),
        "kunjungan": Kunjungan.objects.count(),
        "skor": SkorKepuasan.objects.count(),
        "penugasan": list(Penugasan.objects.values_list("pk", "pendamping_id", "selesai")),
        "keluarga": list(Keluarga.objects.order_by("pk").values_list("pk", "pendamping_id")),
    }


@pytest.fixture(autouse=True)
def sumber_kontak_bawaan() -> Iterator[None]:
    """Only this app's own contact source and no RHK source, whatever other apps register:
    the expected figures here must not change when p2k2 or komitmen data lands."""
    with (
        hooks.registry.override(hooks.KONTAK_PENDAMPING, [pendamping_selectors.kontak_kunjungan]),
        hooks.registry.override(hooks.RHK_PENDAMPING, {}),
    ):
        yield


@pytest.fixture
def profil_a(pendamping_hadimulyo: User) -> Pendamping:
    return buat_profil(pendamping_hadimulyo, nama="Ani Pendamping")


@pytest.fixture
def profil_b(pendamping_iringmulyo: User) -> Pendamping:
    return buat_profil(pendamping_iringmulyo, nama="Budi Pendamping")


@pytest.fixture
def keluarga_a(kota_metro: dict[str, Wilayah], profil_a: Pendamping, admin: User) -> Keluarga:
    (keluarga,) = buat_keluarga(kota_metro["Hadimulyo Barat"], nama="Siti Aminah")
    assert profil_a.user is not None
    tugaskan([keluarga], profil_a.user, admin)
    keluarga.refresh_from_db()
    return keluarga


@pytest.fixture
def keluarga_b(kota_metro: dict[str, Wilayah], profil_b: Pendamping, admin: User) -> Keluarga:
    (keluarga,) = buat_keluarga(kota_metro["Iring Mulyo"], nama="Wati Lestari")
    assert profil_b.user is not None
    tugaskan([keluarga], profil_b.user, admin)
    keluarga.refresh_from_db()
    return keluarga
