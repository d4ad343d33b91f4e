"""Reads of families and members in the KPM registry, always scoped through kpm.access."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    JSONField,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_wilayah
from dinsos.bulan import tambah_bulan
from dinsos.formatting import JAKARTA
from dinsos.hooks import Panel
from dinsos.identity import IDENTIFIER_LENGTH
from dinsos.models import User, Wilayah
from dinsos.names import normalize_nama
from dinsos.pengaturan import today
from kpm.access import scope_keluarga
from kpm.komponen import (
    Aturan,
    DataAnggota,
    HakKeluarga,
    hak_keluarga,
    komponen_anggota,
    umur,
)
from kpm.models import (
    Anggota,
    Keluarga,
    Komponen,
    NominalKomponen,
    RiwayatPerubahan,
    RiwayatStatus,
)
from kpm.selectors.status import status_akhir

_DIGITS = re.compile(r"^\d+$")
DESIL_KOSONG = "kosong"

# Sort keys offered to users (value → ORDER BY). Every one ends with pk for a stable order.
SORTS: dict[str, tuple[str, ...]] = {
    "no_kk": ("no_kk",),
    "-no_kk": ("-no_kk",),
    "nama": ("pengurus__nama_cari", "pk"),
    "-nama": ("-pengurus__nama_cari", "-pk"),
    "kelurahan": ("kelurahan__nama", "no_kk"),
    "status": ("status", "no_kk"),
    "terdaftar": ("tanggal_terdaftar", "pk"),
    "-terdaftar": ("-tanggal_terdaftar", "-pk"),
    "desil": ("desil", "no_kk"),
}


# The status filter's value for a pendamping's caseload (Keluarga.DIDAMPINGI): the figure
# "216 / 350" on the performance pages links to exactly these families (issue 14).
STATUS_DIDAMPINGI = "didampingi"


@dataclass(frozen=True)
class KeluargaFilter:
    """The list page's search box and filters, already validated by the form."""

    q: str = ""
    kecamatan: int | None = None
    kelurahan: int | None = None
    status: str = ""
    pendamping: int | None = None
    desil: str = ""  # "1".."10" or "kosong"
    komponen: str = ""
    lama_5_tahun: bool = False
    sort: str = ""
    # Graduated in a month (or a whole year without bulan), office time: the status history
    # holds a change to graduasi then, counted as pendamping/selectors/indikator.py counts
    # the pendamping's graduasi figure, which links here.
    graduasi_tahun: int | None = None
    graduasi_bulan: int | None = None
    # The list as it stood at the end of this month (first day): families registered by
    # then, the status filter read from the status history (the rakor report's month-end
    # figures link here, issue 19).
    per: datetime.date | None = None
    # Families an identifier search found (dinsos.pencarian keeps their ids, not the number);
    # None when there was none. Replaces `q`.
    ids: tuple[int, ...] | None = None


class _EqualsAny(Lookup):  # type: ignore[type-arg]
    """`lhs = ANY(rhs)` where rhs is an array, e.g. an ArraySubquery evaluated once.

    For searches: `pk = ANY(ARRAY(<matching ids>))` makes PostgreSQL find the matches first
    (an InitPlan) and fetch those families by primary key. With `pk IN (<matching ids>)` it
    misjudged both the matches (trigram) and the area scope and joined every family in scope
    before filtering (bench/kpm_list.py, 100.000 families: 440 ms for a name, 545 ms for a
    NIK). Use it for search results only: were a plan ever to filter a scan with it, each row
    would search the array linearly.
    """

    lookup_name = "equals_any"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _skor_nama(nama: str) -> dict[int, float]:
    """Family id → the best score among its members whose name matches `nama`.

    A member matches by `%` (similarity: typos in full names) or `%>` (word similarity: a part
    of a name, "aminah" in "siti aminah"), each with its own scan of the trigram GIN index
    (UNION ALL: with OR, PostgreSQL rechecked both operators on every candidate row). The
    score is GREATEST(similarity, word_similarity), as the list has always ranked them.
    """
    skor = Greatest(TrigramSimilarity("nama_cari", nama), TrigramWordSimilarity(nama, "nama_cari"))
    similar = Anggota.objects.filter(nama_cari__trigram_similar=nama)
    word_similar = Anggota.objects.filter(nama_cari__trigram_word_similar=nama)
    rows = (
        similar.order_by()
        .annotate(s=skor)
        .values_list("keluarga_id", "s")
        .union(word_similar.order_by().annotate(s=skor).values_list("keluarga_id", "s"), all=True)
    )
    best: dict[int, float] = {}
    for keluarga_id, s in rows:
        if s > best.get(keluarga_id, -1.0):
            best[keluarga_id] = s
    return best


def _identifier_match(digits: str) -> Q | _EqualsAny:
    """Families whose No KK, or a member's NIK, is exactly `digits`.

    Only the full 16 digits match (issue 22): with a prefix search a pendamping recovered a
    member's NIK digit by digit in 51 requests. Anything shorter or longer matches nothing.
    """
    if len(digits) != IDENTIFIER_LENGTH:
        return Q(pk__in=[])
    # Two unique-index lookups, then the families by primary key (see _EqualsAny):
    # `no_kk = … OR pk IN (…)` read every family in scope (100.000 families: 85 ms).
    by_kk = Keluarga.objects.filter(no_kk=digits).order_by().values("pk")
    by_member = Anggota.objects.filter(nik=digits).order_by().values("keluarga_id")
    return _EqualsAny(F("pk"), ArraySubquery(by_kk.union(by_member)))


def keluarga_ids_by_identifier(*, user: User, identifier: str) -> list[int]:
    """Ids of the families `user` may see with this exact No KK or member NIK (16 digits)."""
    qs = scope_keluarga(user, Keluarga.objects.all())
    found = qs.filter(_identifier_match(identifier)).order_by("pk")
    return list(found.values_list("pk", flat=True))


def keluarga_list(
    *, user: User, filters: KeluargaFilter, on: datetime.date | None = None
) -> QuerySet[Keluarga]:
    """Families the user may see, filtered and sorted, with what the list page shows."""
    day = on or today()
    qs = scope_keluarga(user, Keluarga.objects.all())
    relevance = None
    q = filters.q.strip()
    if filters.ids is not None:
        qs = qs.filter(pk__in=filters.ids)
    elif q and _DIGITS.match(q.replace(" ", "")):
        qs = qs.filter(_identifier_match(q.replace(" ", "")))
    elif q:
        # The matching members are read once, with their score; the families are then
        # fetched by primary key and ordered by the best score among their matching members.
        # Before, the match ran twice (the page and the paginator's count) and the score once
        # more per matching family (bench/kpm_list.py, 100.000 families, "siti aminh": 1.902
        # families; see the README's figures).
        skor = _skor_nama(normalize_nama(q))
        # ARRAY(SELECT unnest(…)) hides the ids from the planner, which then fetches them by
        # primary key (see _EqualsAny); given the array itself it filtered every family in
        # scope against it (100.000 families: 366 ms instead of a few).
        # The ids travel as one array literal: as a list Django prepared each of them as a
        # field value, twice (page and count), ~30 ms for 1.900 families (issue 21).
        ids = Func(
            Value("{" + ",".join(map(str, sorted(skor))) + "}", output_field=TextField()),
            template="ARRAY(SELECT unnest(%(expressions)s::bigint[]))",
            output_field=ArrayField(BigIntegerField()),
        )
        qs = qs.filter(_EqualsAny(F("pk"), ids))
        relevance = Cast(
            Func(
                Value({str(pk): s for pk, s in skor.items()}, output_field=JSONField()),
                Cast("pk", TextField()),
                function="jsonb_extract_path_text",
                output_field=TextField(),
            ),
            FloatField(),
        )
    if filters.kelurahan:
        qs = qs.filter(kelurahan_id=filters.kelurahan)
    elif filters.kecamatan:
        qs = qs.filter(kelurahan__parent_id=filters.kecamatan)
    status_field = "status"
    if filters.per is not None:
        akhir = tambah_bulan(filters.per, 1)
        qs = qs.filter(tanggal_terdaftar__lt=akhir).annotate(status_per=status_akhir(akhir))
        qs = qs.annotate(
            status_per_label=Case(
                *(When(status_per=v, then=Value(label)) for v, label in Keluarga.Status.choices),
                default=F("status_per"),
            ),
            is_status_berubah=~Q(status_per=F("status")),
        )
        status_field = "status_per"
    if filters.status == STATUS_DIDAMPINGI:
        qs = qs.filter(**{f"{status_field}__in": Keluarga.DIDAMPINGI})
    elif filters.status:
        qs = qs.filter(**{status_field: filters.status})
    if filters.pendamping:
        qs = qs.filter(pendamping_id=filters.pendamping)
    if filters.desil == DESIL_KOSONG:
        qs = qs.filter(desil__isnull=True)
    elif filters.desil:
        qs = qs.filter(desil=int(filters.desil))
    if filters.komponen:
        qs = qs.filter(komponen__contains=[filters.komponen])
    if filters.lama_5_tahun:
        years = dinsos_selectors.pengaturan_get("kepesertaan_tahun_maks", on=day)
        qs = qs.filter(tanggal_terdaftar__lte=_years_before(day, years)).exclude(
            komponen__overlap=list(KOMPONEN_TANPA_BATAS_5_TAHUN)
        )
    if filters.graduasi_tahun:
        awal, akhir = _rentang_wib(filters.graduasi_tahun, filters.graduasi_bulan)
        lulus = RiwayatStatus.objects.filter(
            keluarga_id=OuterRef("pk"),
            ke=Keluarga.Status.GRADUASI,
            created_at__gte=awal,
            created_at__lt=akhir,
        )
        qs = qs.filter(Exists(lulus))
    members = (
        Anggota.objects.filter(keluarga_id=OuterRef("pk"))
        .order_by()
        .values("keluarga_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = qs.select_related("kelurahan__parent", "pendamping").annotate(
        jumlah_anggota=Coalesce(Subquery(members, output_field=IntegerField()), 0)
    )
    if filters.sort in SORTS:
        ordered = qs.order_by(*SORTS[filters.sort])
    elif relevance is not None:
        ordered = qs.annotate(relevansi=relevance).order_by("-relevansi", "no_kk")
    else:
        ordered = qs.order_by("no_kk")
    # The pengurus is read for the page only: PostgreSQL joins before it sorts, and joined
    # here it read the pengurus of every matching family for a page of 25 (100.000 families:
    # one kecamatan + aktif + anak SD, 7.839 families, 415 ms; "siti aminh", 1.902, ~50 ms).
    return ordered.prefetch_related("pengurus")


def _rentang_wib(tahun: int, bulan: int | None) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of a month, or of the year when `bulan` is None, in office time."""
    awal = datetime.date(tahun, bulan or 1, 1)
    akhir = tambah_bulan(awal, 1 if bulan else 12)
    tengah_malam = datetime.time(tzinfo=JAKARTA)
    return (
        datetime.datetime.combine(awal, tengah_malam),
        datetime.datetime.combine(akhir, tengah_malam),
    )


# DOMAIN.md §2: "Aid is meant to last at most 5 years (except lansia and disabilitas berat)":
# a family with either component is never flagged as enrolled too long.
KOMPONEN_TANPA_BATAS_5_TAHUN = frozenset({Komponen.LANSIA, Komponen.DISABILITAS_BERAT})


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class PilihanFilter:
    """(id, label) choices of the list's area and pendamping filters."""

    kecamatan: list[tuple[int, str]]
    kelurahan: list[tuple[int, str]]
    pendamping: list[tuple[int, str]]
    kecamatan_of: dict[int, int]  # kelurahan id → its kecamatan's id

    def kelurahan_in(self, kecamatan: int) -> list[tuple[int, str]]:
        """The kelurahan choices inside one kecamatan."""
        return [(pk, nama) for pk, nama in self.kelurahan if self.kecamatan_of.get(pk) == kecamatan]


# The choices change rarely (areas, pendamping) but cost ~15 ms of query building per list
# page (the area-scope subqueries); bench/load.py showed it as a third of the page. Kept per
# user and sign-in for a minute: a new pendamping appears in the filter within 60 s. Scope is
# still enforced by the list query itself, so a stale choice can never widen what is shown.
PILIHAN_CACHE_SECONDS = 60


def keluarga_filter_choices(*, user: User) -> PilihanFilter:
    """Kecamatan, kelurahan and pendamping the user may filter by (3 queries, then cached)."""
    last_login = user.last_login.timestamp() if user.last_login else 0
    key = f"kpm:pilihan-filter:2:{user.pk}:{last_login:.0f}"
    cached = cache.get(key)
    if isinstance(cached, PilihanFilter):
        return cached
    areas = scope_wilayah(user).filter(berlaku_sampai__isnull=True)
    kecamatan = list(
        areas.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("nama").values_list("pk", "nama")
    )
    kelurahan_rows = list(
        areas.filter(tingkat=Wilayah.Tingkat.KELURAHAN)
        .order_by("nama")
        .values_list("pk", "nama", "parent_id")
    )
    kelurahan = [(pk, nama) for pk, nama, _ in kelurahan_rows]
    kecamatan_of = {pk: parent for pk, _, parent in kelurahan_rows}
    pendamping: list[tuple[int, str]] = []
    if user.role != User.Role.PENDAMPING:
        pendamping = [
            (u.pk, str(u))
            for u in User.objects.filter(role=User.Role.PENDAMPING, is_active=True)
            .filter(pk__in=scope_keluarga(user, Keluarga.objects.all()).values("pendamping_id"))
            .order_by("first_name", "username")
        ]
    pilihan = PilihanFilter(
        kecamatan=kecamatan, kelurahan=kelurahan, pendamping=pendamping, kecamatan_of=kecamatan_of
    )
    cache.set(key, pilihan, PILIHAN_CACHE_SECONDS)
    return pilihan


def nominal_komponen(*, tahun: int) -> tuple[dict[str, int], int | None]:
    """Yearly amounts in force in `tahun`: each component's latest row not after that year."""
    rows = list(
        NominalKomponen.objects.filter(tahun__lte=tahun)
        .order_by("komponen", "-tahun")
        .distinct("komponen")
        .values_list("komponen", "nominal_tahunan", "tahun")
    )
    return {k: n for k, n, _ in rows}, max((t for _, _, t in rows), default=None)


@dataclass
class AnggotaBaris:
    anggota: Anggota
    umur: int
    komponen: list[str]

    @property
    def komponen_label(self) -> list[str]:
        return [Komponen(k).label for k in self.komponen]


@dataclass
class KeluargaDetail:
    keluarga: Keluarga
    anggota: list[AnggotaBaris]
    hak: HakKeluarga
    riwayat_status: list[RiwayatStatus]
    riwayat_perubahan: list[RiwayatPerubahan]
    is_lama_5_tahun: bool
    panels: list[Panel]


def keluarga_detail(
    *, keluarga: Keluarga, user: User, on: datetime.date | None = None
) -> KeluargaDetail:
    """Everything the family page shows, in a fixed number of queries."""
    day = on or today()
    pengaturan = dinsos_selectors.pengaturan_semua(on=day)
    aturan = Aturan.dari_pengaturan(pengaturan)
    rows: list[AnggotaBaris] = []
    pairs: list[tuple[Any, str]] = []
    for anggota in keluarga.anggota.all():
        data = DataAnggota(
            tanggal_lahir=anggota.tanggal_lahir,
            jenjang_sekolah=anggota.jenjang_sekolah,
            is_hamil=anggota.is_hamil,
            is_disabilitas_berat=anggota.is_disabilitas_berat,
            is_korban_ham=anggota.is_korban_ham,
        )
        komponen = komponen_anggota(data, on=day, aturan=aturan)
        rows.append(AnggotaBaris(anggota, umur(anggota.tanggal_lahir, day), komponen))
        pairs.extend((anggota, k) for k in komponen)
    nominal, tahun_nominal = nominal_komponen(tahun=day.year)
    hak = hak_keluarga(
        pairs, nominal=nominal, aturan=aturan, tahun=day.year, tahun_nominal=tahun_nominal
    )
    limit = _years_before(day, pengaturan["kepesertaan_tahun_maks"])
    return KeluargaDetail(
        keluarga=keluarga,
        anggota=rows,
        hak=hak,
        riwayat_status=list(keluarga.riwayat_status.select_related("oleh")[:50]),
        riwayat_perubahan=list(keluarga.riwayat_ubah.select_related("oleh", "anggota")[:50]),
        is_lama_5_tahun=keluarga.tanggal_terdaftar <= limit
        and not set(keluarga.komponen) & KOMPONEN_TANPA_BATAS_5_TAHUN,
        panels=keluarga_panels(keluarga=keluarga, user=user),
    )


def keluarga_panels(*, keluarga: Keluarga, user: User) -> list[Panel]:
    """Sections other apps add to the family page (the `panel_keluarga` hook).

    kpm cannot import the apps above it (p2k2, dtsen …); they register a provider.
    """
    return [
        panel(keluarga=keluarga, user=user)
        for panel in hooks.registry.providers(hooks.PANEL_KELUARGA)
    ]


def kelurahan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Current kelurahan the user may register families in."""
    return (
        scope_wilayah(user)
        .filter(tingkat=Wilayah.Tingkat.KELURAHAN, berlaku_sampai__isnull=True)
        .order_by("nama")
    )
