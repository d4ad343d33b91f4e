"""Reads of the komitmen month view (DOMAIN.md §4): the families a user records, by pengurus
name, and each member-component with what was recorded that month; always scoped through
kpm.access."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import overload

from django.db.models import Exists, OuterRef, Q, QuerySet

from dinsos.models import User
from kpm.access import scope_keluarga
from kpm.models import Anggota, Keluarga, Komponen
from verifikasi.models import KOMPONEN_KOMITMEN, KOMPONEN_PENDIDIKAN, Komitmen
from verifikasi.selectors.komitmen import JADWAL_KESEHATAN, STATUS_PESERTA

R = User.Role


@dataclass
class BarisKomitmen:
    """One member-component of the month view, with what was recorded (if anything)."""

    anggota_id: int
    nama: str
    nik: str
    komponen: str
    petunjuk: str
    status: str = ""
    persen_kehadiran: Decimal | None = None
    catatan: str = ""
    sumber: str = ""

    @property
    def kunci(self) -> str:
        return f"{self.anggota_id}-{self.komponen}"

    @property
    def komponen_label(self) -> str:
        return Komponen(self.komponen).label

    @property
    def is_pendidikan(self) -> bool:
        return self.komponen in KOMPONEN_PENDIDIKAN


@dataclass
class KeluargaBulan:
    keluarga: Keluarga
    baris: list[BarisKomitmen] = field(default_factory=list)


def keluarga_komitmen(
    *,
    user: User,
    pendamping_id: int | None = None,
    belum_bulan: datetime.date | None = None,
    keluarga_id: int | None = None,
) -> KeluargaUrutPengurus:
    """Participating families the user may see that have a component with a commitment,
    by pengurus name (the month view pages through these); with `belum_bulan`, only those
    with a member's commitment component not yet recorded for that month (the rows the
    month view shows empty); with `keluarga_id`, that family only."""
    families = scope_keluarga(user, Keluarga.objects.all()).filter(
        status__in=STATUS_PESERTA, komponen__overlap=list(KOMPONEN_KOMITMEN)
    )
    if pendamping_id:
        families = families.filter(pendamping_id=pendamping_id)
    if belum_bulan is not None:
        families = families.filter(_ada_belum_dicatat(belum_bulan))
    if keluarga_id is not None:
        families = families.filter(pk=keluarga_id)
    return KeluargaUrutPengurus(families)


class KeluargaUrutPengurus:
    """Families by pengurus name, then id, those without a pengurus last (by id), as a
    Paginator reads them: `count()` and slices.

    A page is read in pengurus-name order through the name index (kpm `anggota_nama_cari_urut`):
    the families with a pengurus joined from their pengurus, so PostgreSQL walks the index
    and stops after the page, instead of joining every family in scope to its pengurus and
    sorting them all (issue 21: 85.000 families of a province, 0,67 s a page). The few
    without a pengurus follow, read only when a page reaches them.
    """

    def __init__(self, families: QuerySet[Keluarga]) -> None:
        self._families = families

    def count(self) -> int:
        return self._families.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Keluarga]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, bagian: int) -> Keluarga: ...

    @overload
    def __getitem__(self, bagian: slice) -> list[Keluarga]: ...

    def __getitem__(self, bagian: int | slice) -> Keluarga | list[Keluarga]:
        if isinstance(bagian, int):
            return self[bagian : bagian + 1][0]
        mulai, sampai = bagian.start or 0, bagian.stop
        if sampai is None:
            raise TypeError("Potong dengan batas akhir, seperti Paginator.")
        # A filter on the pengurus's own column makes the join inner: the index can lead.
        bernama = (
            self._families.filter(pengurus__nama_cari__isnull=False)
            .select_related("pengurus")
            .order_by("pengurus__nama_cari", "pk")
        )
        rows = list(bernama[mulai:sampai])
        if len(rows) < sampai - mulai:
            jumlah_bernama = mulai + len(rows) if rows else bernama.count()
            tanpa = self._families.filter(pengurus__isnull=True).order_by("pk")
            rows += tanpa[max(mulai - jumlah_bernama, 0) : sampai - jumlah_bernama]
        return rows


def _ada_belum_dicatat(bulan: datetime.date) -> Q:
    # One EXISTS per commitment component (a handful): a member holding it with no record
    # of it that month. The month view draws the same member-components (komitmen_bulan).
    kosong = Q()
    for komponen in KOMPONEN_KOMITMEN:
        dicatat = Komitmen.objects.filter(anggota_id=OuterRef("pk"), komponen=komponen, bulan=bulan)
        anggota = Anggota.objects.filter(
            keluarga_id=OuterRef("pk"), komponen__contains=[komponen]
        ).filter(~Exists(dicatat))
        kosong |= Q(Exists(anggota))
    return kosong


def komitmen_bulan(
    *, keluarga: list[Keluarga], bulan: datetime.date, batas: int
) -> list[KeluargaBulan]:
    """The month view's rows for families the caller already scoped: each member's
    commitment components and what was recorded that month (2 queries)."""
    ids = [k.pk for k in keluarga]
    members = (
        Anggota.objects.filter(keluarga_id__in=ids)
        .order_by("keluarga_id", "tanggal_lahir", "pk")
        .values("pk", "keluarga_id", "nama", "nik", "komponen")
    )
    recorded = {
        (k.anggota_id, k.komponen): k
        for k in Komitmen.objects.filter(keluarga_id__in=ids, bulan=bulan).only(
            "anggota_id", "komponen", "status", "persen_kehadiran", "catatan", "sumber"
        )
    }
    per_member: dict[int, set[str]] = defaultdict(set)
    for anggota_id, recorded_komponen in recorded:
        per_member[anggota_id].add(recorded_komponen)
    result = {k.pk: KeluargaBulan(k) for k in keluarga}
    for m in members:
        checked = {k for k in m["komponen"] if k in KOMPONEN_KOMITMEN} | per_member[m["pk"]]
        for k in sorted(checked, key=KOMPONEN_KOMITMEN.index):
            found = recorded.get((m["pk"], k))
            petunjuk = (
                f"Hadir ≥ {batas}% hari efektif sekolah"
                if k in KOMPONEN_PENDIDIKAN
                else JADWAL_KESEHATAN[k]
            )
            result[m["keluarga_id"]].baris.append(
                BarisKomitmen(
                    anggota_id=m["pk"],
                    nama=m["nama"],
                    nik=m["nik"],
                    komponen=k,
                    petunjuk=petunjuk,
                    status=found.status if found else "",
                    persen_kehadiran=found.persen_kehadiran if found else None,
                    catatan=found.catatan if found else "",
                    sumber=found.get_sumber_display() if found else "",
                )
            )
    return [r for r in result.values() if r.baris]


def pendamping_pilihan(*, user: User) -> list[User]:
    """Pendamping with a family the user may see (office users pick one on the month view)."""
    if user.role == R.PENDAMPING:
        return []
    # One probe of the pendamping index per pendamping (a few hundred), not every family
    # in scope read to collect their pendamping (85.000 at province scale).
    families = scope_keluarga(user, Keluarga.objects.filter(pendamping_id=OuterRef("pk")))
    return list(
        User.objects.filter(role=R.PENDAMPING, is_active=True)
        .filter(Exists(families))
        .order_by("first_name", "username")
    )
