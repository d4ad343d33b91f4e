"""What a Final Closing file touches: the importing user's kelurahan and the registry rows
named by the file's identifiers, loaded in bulk."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from dinsos.kode_wilayah import PenentuWilayah
from dinsos.models import User, Wilayah
from kpm.models import Anggota, Keluarga


def kelurahan_impor(user: User) -> QuerySet[Wilayah]:
    """Current kelurahan inside the importing user's assigned areas; an admin with no assigned
    area imports for every area in the table."""
    kelurahan = Wilayah.objects.filter(
        tingkat=Wilayah.Tingkat.KELURAHAN, berlaku_sampai__isnull=True
    ).select_related("parent")
    kodes = list(user.wilayah.values_list("kode", flat=True))
    if not kodes:
        return kelurahan if user.role == User.Role.ADMIN else kelurahan.none()
    inside = Q()
    for kode in kodes:
        inside |= Q(kode=kode) | Q(kode__startswith=f"{kode}.")
    return kelurahan.filter(inside)


@dataclass(frozen=True)
class WilayahImpor:
    """Kelurahan the user may import into, and the one resolver that reads a row's region
    (`dinsos.kode_wilayah`: a code in either system, else names, typo-tolerant)."""

    kelurahan: dict[int, Wilayah]
    penentu: PenentuWilayah

    @property
    def kelurahan_ids(self) -> set[int]:
        return set(self.kelurahan)

    @classmethod
    def untuk(cls, user: User) -> WilayahImpor:
        rows = list(kelurahan_impor(user))
        penentu = PenentuWilayah(
            nama_wilayah="wilayah Anda",
            kelurahan=[
                (
                    w.pk,
                    w.kode,
                    w.kode_bps,
                    w.nama,
                    w.parent.kode if w.parent else "",
                    w.parent.kode_bps if w.parent else "",
                    w.parent.nama if w.parent else "",
                )
                for w in rows
            ],
        )
        return cls(kelurahan={w.pk: w for w in rows}, penentu=penentu)


@dataclass
class Registri:
    """The families (by No KK) and members (by NIK) a file mentions, loaded in bulk."""

    keluarga: dict[str, Keluarga]
    anggota: dict[str, Anggota]


_IN_BATCH = 10_000  # stays far below PostgreSQL's 65,535 parameters per query


def _batches(values: Collection[str]) -> Iterator[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _IN_BATCH):
        yield items[start : start + _IN_BATCH]


def registri_muat(*, no_kk: Collection[str], nik: Collection[str]) -> Registri:
    """Load the registry rows for the identifiers in a file (one query per 10,000 values)."""
    keluarga: dict[str, Keluarga] = {}
    for batch in _batches(no_kk):
        related = Keluarga.objects.select_related("pengurus", "kelurahan")
        keluarga.update((k.no_kk, k) for k in related.filter(no_kk__in=batch))
    anggota: dict[str, Anggota] = {}
    for batch in _batches(nik):
        anggota.update((a.nik, a) for a in Anggota.objects.filter(nik__in=batch))
    return Registri(keluarga=keluarga, anggota=anggota)
