"""Reads for Sekolah Rakyat candidates (DOMAIN.md §9), always scoped through kpm.access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from dinsos import selectors as dinsos_selectors
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.access import scope_anggota, scope_keluarga
from kpm.models import Anggota, Keluarga
from verifikasi.models import (
    KandidatSekolahRakyat,
)
from verifikasi.services import JendelaUsia, jendela_usia

R = User.Role


class _Umur(Func):
    """Age in full years on a date: EXTRACT(YEAR FROM AGE(date, tanggal_lahir))."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::int"
    output_field = IntegerField()


@dataclass(frozen=True)
class FilterSekolahRakyat:
    tanggal_acuan: datetime.date
    kelurahan: int | None = None
    pendamping: int | None = None
    jenjang: str = ""
    is_cadangan: bool | None = None


def sekolah_rakyat_jendela(*, on: datetime.date | None = None) -> list[JendelaUsia]:
    """The age windows in force (DOMAIN.md §9)."""
    return jendela_usia(dinsos_selectors.pengaturan_semua(on=on or today()))


def sekolah_rakyat_kandidat(*, user: User, filters: FilterSekolahRakyat) -> QuerySet[Anggota]:
    """DOMAIN.md §9: children of desil 1–2 families (desil 3 as reserve) whose age on the
    reference date is inside a level's window, with the home visit recorded for that
    school year, if any (one query). Desil bounds and windows are settings."""
    pengaturan = dinsos_selectors.pengaturan_semua(on=today())
    jendela = jendela_usia(pengaturan)
    utama = int(pengaturan["desil_maks_sekolah_rakyat"])
    cadangan = int(pengaturan["desil_cadangan_sekolah_rakyat"])
    ref = Value(filters.tanggal_acuan)
    children = (
        scope_anggota(user, Anggota.objects.all())
        .filter(keluarga__desil__isnull=False, keluarga__desil__lte=cadangan)
        .filter(**_lahir_dalam_jendela(filters.tanggal_acuan, jendela))
        .annotate(
            umur=_Umur(ref, F("tanggal_lahir")),
            kunjungan=FilteredRelation(
                "sekolah_rakyat",
                condition=Q(sekolah_rakyat__tahun_ajaran=filters.tanggal_acuan.year),
            ),
        )
        .annotate(
            jenjang_sr=Case(
                *(
                    When(umur__gte=w.usia_min, umur__lte=w.usia_maks, then=Value(w.jenjang))
                    for w in jendela
                ),
                default=Value(""),
                output_field=CharField(),
            ),
            is_cadangan=Case(
                When(keluarga__desil__gt=utama, then=Value(True)),
                default=Value(False),
            ),
            sr_status=F("kunjungan__status"),
            sr_status_label=Case(
                *(
                    When(kunjungan__status=value, then=Value(label))
                    for value, label in KandidatSekolahRakyat.Status.choices
                ),
                default=Value("Belum dikunjungi"),
                output_field=CharField(),
            ),
            sr_tanggal_kunjungan=F("kunjungan__tanggal_kunjungan"),
            sr_is_persetujuan_ortu=F("kunjungan__is_persetujuan_ortu"),
        )
        .exclude(jenjang_sr="")
    )
    if filters.kelurahan:
        children = children.filter(keluarga__kelurahan_id=filters.kelurahan)
    if filters.pendamping:
        children = children.filter(keluarga__pendamping_id=filters.pendamping)
    if filters.jenjang:
        children = children.filter(jenjang_sr=filters.jenjang)
    if filters.is_cadangan is not None:
        children = children.filter(is_cadangan=filters.is_cadangan)
    # The pengurus is read for the page only: joined, it was matched for every candidate
    # before the sort (a hash join over every member of the registry).
    return (
        children.select_related("keluarga__kelurahan__parent", "keluarga__pendamping")
        .prefetch_related("keluarga__pengurus")
        .order_by("is_cadangan", "keluarga__desil", "keluarga__kelurahan__nama", "nama", "pk")
    )


def _lahir_dalam_jendela(
    acuan: datetime.date, jendela: list[JendelaUsia]
) -> dict[str, datetime.date]:
    """Birth dates that can fall inside any age window on `acuan`, a few days wide on each
    side: a plain date range the planner can use, so the exact age (AGE() per member) is
    computed for these children only, not for every member of a desil 1–3 family (6.000
    families: 170 of 270 ms of the list's query under load). The windows still decide."""
    if not jendela:
        return {"pk__in": []}  # type: ignore[dict-item]
    muda = min(w.usia_min for w in jendela)
    tua = max(w.usia_maks for w in jendela)
    return {
        "tanggal_lahir__lte": _tahun_sebelum(acuan, muda) + datetime.timedelta(days=2),
        "tanggal_lahir__gt": _tahun_sebelum(acuan, tua + 1) - datetime.timedelta(days=2),
    }


def _tahun_sebelum(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class RingkasSekolahRakyat:
    kelurahan: str
    pendamping: str
    utama: int
    cadangan: int
    dikonfirmasi: int


def sekolah_rakyat_ringkas(*, kandidat: QuerySet[Anggota]) -> list[RingkasSekolahRakyat]:
    """Candidates per kelurahan and pendamping (one GROUP BY over the filtered list)."""
    rows = (
        kandidat.order_by()
        .values("keluarga__kelurahan__nama", "keluarga__pendamping__first_name")
        .annotate(
            utama=Count("pk", filter=Q(is_cadangan=False)),
            cadangan=Count("pk", filter=Q(is_cadangan=True)),
            dikonfirmasi=Count("pk", filter=Q(sr_status=KandidatSekolahRakyat.Status.DIKONFIRMASI)),
        )
        .order_by("keluarga__kelurahan__nama", "keluarga__pendamping__first_name")
    )
    return [
        RingkasSekolahRakyat(
            kelurahan=r["keluarga__kelurahan__nama"],
            pendamping=r["keluarga__pendamping__first_name"] or "(belum ada pendamping)",
            utama=r["utama"],
            cadangan=r["cadangan"],
            dikonfirmasi=r["dikonfirmasi"],
        )
        for r in rows
    ]


def sekolah_rakyat_anggota(*, user: User, anggota_id: int, tanggal_acuan: datetime.date) -> Anggota:
    """A candidate child the user may see (404 when not visible or not a candidate)."""
    kandidat = sekolah_rakyat_kandidat(
        user=user, filters=FilterSekolahRakyat(tanggal_acuan=tanggal_acuan)
    )
    return get_object_or_404(kandidat, pk=anggota_id)


def sekolah_rakyat_tercatat(*, anggota: Anggota, tahun_ajaran: int) -> KandidatSekolahRakyat | None:
    """The home visit recorded for a child the caller already accessed, if any."""
    return KandidatSekolahRakyat.objects.filter(anggota=anggota, tahun_ajaran=tahun_ajaran).first()


def kelurahan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Kelurahan with a family the user may see."""
    families = scope_keluarga(user, Keluarga.objects.all()).values("kelurahan_id")
    return Wilayah.objects.filter(pk__in=families).order_by("nama")
