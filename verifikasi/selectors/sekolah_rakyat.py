"""Reads for Sekolah Rakyat candidates (DOMAIN.md §9), always scoped through kpm.access."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.access import scope_anggota, scope_keluarga
from kpm.models import Anggota, Keluarga
from verifikasi.models import (
    KandidatSekolahRakyat,
    KuotaSekolahRakyat,
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


def sekolah_rakyat_kandidat(
    *, user: User, filters: FilterSekolahRakyat, kuota: list[KuotaJenjang] | None = None
) -> QuerySet[Anggota]:
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
    # Issue 20, D5 (DOMAIN.md §3): desil 3 only for a level whose quota desil 1–2 leave open.
    children = children.filter(
        Q(is_cadangan=False)
        | Q(jenjang_sr__in=_jenjang_cadangan_terbuka(filters.tanggal_acuan, kuota))
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


# --- Quota and candidates from outside KPM (issue 20, D5; DOMAIN.md §3, §9) -----------------
@dataclass(frozen=True)
class KuotaJenjang:
    """One level of an intake: its seats (None: not set by the admin yet), the desil 1–2
    candidates over the whole office (KPM and DTSEN), and the seats they leave."""

    jenjang: str
    label: str
    kursi: int | None
    utama: int

    @property
    def sisa(self) -> int | None:
        return None if self.kursi is None else max(self.kursi - self.utama, 0)

    @property
    def is_cadangan_terbuka(self) -> bool:
        """DOMAIN.md §3: desil 3 is listed only when the quota is not filled; with no quota
        set there is nothing to fill, so the reserve stays closed until the admin sets it."""
        return bool(self.sisa)


def _dengan_jenjang(rows: QuerySet[Any], acuan: datetime.date, jendela: list[JendelaUsia]) -> Any:
    """Rows with a `tanggal_lahir`, annotated with `umur` and `jenjang_sr` on `acuan`, those
    outside every window left out (the same SQL as the KPM list)."""
    return (
        rows.annotate(umur=_Umur(Value(acuan), F("tanggal_lahir")))
        .annotate(
            jenjang_sr=Case(
                *(
                    When(umur__gte=w.usia_min, umur__lte=w.usia_maks, then=Value(w.jenjang))
                    for w in jendela
                ),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .exclude(jenjang_sr="")
    )


def _anak_dtsen(
    *, user: User | None, acuan: datetime.date, jendela: list[JendelaUsia], desil_maks: int
) -> QuerySet[Any] | None:
    """Children of DTSEN families who are not KPM, from the dtsen app's hook (None when no
    app provides it): verifikasi is below dtsen in the layers (pyproject.toml), so it reads
    them through dinsos.hooks.ANAK_DTSEN instead of importing dtsen's models."""
    providers = hooks.registry.providers(hooks.ANAK_DTSEN)
    if not providers or not jendela:
        return None
    lahir = _lahir_dalam_jendela(acuan, jendela)
    rows = providers[0](
        user=user,
        lahir_setelah=lahir["tanggal_lahir__gt"],
        lahir_sampai=lahir["tanggal_lahir__lte"],
        desil_maks=desil_maks,
    )
    return _dengan_jenjang(rows, acuan, jendela)  # type: ignore[no-any-return]


def sekolah_rakyat_kuota(
    *, tanggal_acuan: datetime.date, pengaturan: Mapping[str, Any] | None = None
) -> list[KuotaJenjang]:
    """The intake's seats per level next to the desil 1–2 candidates of the whole office
    (KPM members and DTSEN children outside KPM): three queries, whatever the size.
    `pengaturan`: the settings in force, when the caller already read them."""
    if pengaturan is None:
        pengaturan = dinsos_selectors.pengaturan_semua(on=today())
    jendela = jendela_usia(pengaturan)
    utama_maks = int(pengaturan["desil_maks_sekolah_rakyat"])
    kursi = dict(
        KuotaSekolahRakyat.objects.filter(tahun_ajaran=tanggal_acuan.year).values_list(
            "jenjang", "jumlah_kursi"
        )
    )
    kpm = _dengan_jenjang(
        Anggota.objects.filter(
            keluarga__desil__isnull=False, keluarga__desil__lte=utama_maks
        ).filter(**_lahir_dalam_jendela(tanggal_acuan, jendela)),
        tanggal_acuan,
        jendela,
    )
    utama: dict[str, int] = {}
    sumber = [
        kpm,
        _anak_dtsen(user=None, acuan=tanggal_acuan, jendela=jendela, desil_maks=utama_maks),
    ]
    for rows in sumber:
        if rows is None:
            continue
        for r in rows.order_by().values("jenjang_sr").annotate(n=Count("pk")):
            utama[r["jenjang_sr"]] = utama.get(r["jenjang_sr"], 0) + r["n"]
    return [
        KuotaJenjang(
            jenjang=w.jenjang,
            label=KandidatSekolahRakyat.Jenjang(w.jenjang).label,
            kursi=kursi.get(w.jenjang),
            utama=utama.get(w.jenjang, 0),
        )
        for w in jendela
    ]


def _jenjang_cadangan_terbuka(
    acuan: datetime.date, kuota: list[KuotaJenjang] | None = None
) -> list[str]:
    """Levels whose reserve is open (the caller's quota figures, or computed now)."""
    if kuota is None:
        kuota = sekolah_rakyat_kuota(tanggal_acuan=acuan)
    return [k.jenjang for k in kuota if k.is_cadangan_terbuka]


def sekolah_rakyat_dtsen(
    *,
    user: User,
    filters: FilterSekolahRakyat,
    kuota: list[KuotaJenjang],
    pengaturan: Mapping[str, Any] | None = None,
) -> QuerySet[Any]:
    """DTSEN children outside KPM the user may see, as candidates (desil 1–2) or as reserve
    (desil 3, only for a level with seats left), with the list's filters; empty when no app
    provides them or a pendamping filter is set (they have no pendamping yet)."""
    if pengaturan is None:
        pengaturan = dinsos_selectors.pengaturan_semua(on=today())
    jendela = jendela_usia(pengaturan)
    utama_maks = int(pengaturan["desil_maks_sekolah_rakyat"])
    rows = _anak_dtsen(
        user=user,
        acuan=filters.tanggal_acuan,
        jendela=jendela,
        desil_maks=int(pengaturan["desil_cadangan_sekolah_rakyat"]),
    )
    if rows is None or filters.pendamping:
        return Anggota.objects.none()
    terbuka = [k.jenjang for k in kuota if k.is_cadangan_terbuka]
    rows = rows.annotate(
        is_cadangan=Case(When(desil__gt=utama_maks, then=Value(True)), default=Value(False))
    ).filter(Q(is_cadangan=False) | Q(jenjang_sr__in=terbuka))
    if filters.kelurahan:
        rows = rows.filter(kelurahan_id=filters.kelurahan)
    if filters.jenjang:
        rows = rows.filter(jenjang_sr=filters.jenjang)
    if filters.is_cadangan is not None:
        rows = rows.filter(is_cadangan=filters.is_cadangan)
    return rows.select_related("kelurahan").order_by(  # type: ignore[no-any-return]
        "is_cadangan", "desil", "kelurahan__nama", "nama", "pk"
    )
