"""Reads for Sekolah Rakyat candidates (DOMAIN.md §9), always scoped through kpm.access.

The candidates themselves come from the summary of the reference date
(`RingkasanSekolahRakyat`, issue 21; the views get it from
`services.sekolah_rakyat_ringkasan_siapkan`); seats, home visits, the user's scope and
restriction requests are read live.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from dinsos import selectors as dinsos_selectors
from dinsos.access import di_kelurahan_scope
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.access import exclude_dibatasi, keluarga_dibatasi_ids, scope_anggota, scope_keluarga
from kpm.models import Anggota, Keluarga
from verifikasi.models import (
    BarisSekolahRakyat,
    KandidatSekolahRakyat,
    KuotaSekolahRakyat,
    RingkasanSekolahRakyat,
)
from verifikasi.services import jendela_usia

R = User.Role
SUMBER = BarisSekolahRakyat.Sumber


@dataclass(frozen=True)
class FilterSekolahRakyat:
    tanggal_acuan: datetime.date
    kelurahan: int | None = None
    pendamping: int | None = None
    jenjang: str = ""
    is_cadangan: bool | None = None


def sekolah_rakyat_kandidat(
    *,
    user: User,
    filters: FilterSekolahRakyat,
    ringkasan: RingkasanSekolahRakyat,
    kuota: list[KuotaJenjang],
) -> QuerySet[BarisSekolahRakyat]:
    """DOMAIN.md §9: children of desil 1–2 families (desil 3 as reserve, only for a level
    whose seats desil 1–2 leave open: issue 20, D5) whose age on the reference date is inside
    a level's window: the summary's KPM rows the user may see, in the list's order.
    `sekolah_rakyat_anggota_list` turns a page of rows into members."""
    terbuka = [k.jenjang for k in kuota if k.is_cadangan_terbuka]
    rows = _kpm_terlihat(
        user,
        BarisSekolahRakyat.objects.filter(
            Q(is_cadangan=False) | Q(jenjang__in=terbuka), ringkasan=ringkasan, sumber=SUMBER.KPM
        ),
    )
    if filters.kelurahan:
        rows = rows.filter(kelurahan_id=filters.kelurahan)
    if filters.pendamping:
        rows = rows.filter(pendamping_id=filters.pendamping)
    if filters.jenjang:
        rows = rows.filter(jenjang=filters.jenjang)
    if filters.is_cadangan is not None:
        rows = rows.filter(is_cadangan=filters.is_cadangan)
    return rows.order_by("urutan")


def _kpm_terlihat(user: User, rows: QuerySet[BarisSekolahRakyat]) -> QuerySet[BarisSekolahRakyat]:
    """`kpm.access.scope_keluarga`'s rule on the summary's copy of each family's kelurahan
    and pendamping (no join to 100.000 families on every count): restricted families left
    out (read live), admin every family, operator and koordinator the kelurahan under their
    areas, a pendamping their own families there. The members shown are checked live again
    (`sekolah_rakyat_anggota_list`), so a reassignment since the summary was computed
    changes only counts, until the next computation."""
    rows = rows.exclude(keluarga_id__in=keluarga_dibatasi_ids())
    if user.role == R.ADMIN:
        return rows
    in_area = rows.filter(di_kelurahan_scope(user))
    if user.role == R.PENDAMPING:
        return in_area.filter(pendamping=user)
    if user.role in {R.OPERATOR, R.KOORDINATOR}:
        return in_area
    return rows.none()


def sekolah_rakyat_anggota_list(
    *, user: User, baris: Iterable[BarisSekolahRakyat], tahun_ajaran: int
) -> list[Anggota]:
    """The members of these summary rows, in their order (one query): each with the
    summary's `umur`, `jenjang_sr` and `is_cadangan`, the home visit recorded for the school
    year (`sr_status`, `sr_status_label`, `sr_tanggal_kunjungan`, `sr_is_persetujuan_ortu`),
    its family, kelurahan, kecamatan, pendamping and pengurus. A member the user no longer
    sees is left out."""
    rows = list(baris)
    members = (
        scope_anggota(user, Anggota.objects.filter(pk__in=[r.anggota_id for r in rows]))
        .annotate(
            kunjungan=FilteredRelation(
                "sekolah_rakyat", condition=Q(sekolah_rakyat__tahun_ajaran=tahun_ajaran)
            ),
        )
        .annotate(
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
        .select_related("keluarga__kelurahan__parent", "keluarga__pendamping", "keluarga__pengurus")
    )
    by_pk = {m.pk: m for m in members}
    result: list[Anggota] = []
    for row in rows:
        member = by_pk.get(row.anggota_id)  # type: ignore[arg-type]
        if member is None:
            continue
        member.umur = row.umur  # type: ignore[attr-defined]
        member.jenjang_sr = row.jenjang  # type: ignore[attr-defined]
        member.is_cadangan = row.is_cadangan  # type: ignore[attr-defined]
        result.append(member)
    return result


# The export's columns, read as plain values (no model instances: 25.000 candidates with
# family, kelurahan, kecamatan, pendamping and pengurus were 175.000 objects, 6 s).
KOLOM_EKSPOR = (
    "anggota__nik",
    "anggota__nama",
    "anggota__jenis_kelamin",
    "anggota__tanggal_lahir",
    "umur",
    "jenjang",
    "is_cadangan",
    "anggota__keluarga__desil",
    "anggota__keluarga__desil_per",
    "anggota__keluarga__no_kk",
    "anggota__keluarga__pengurus__nama",
    "anggota__keluarga__alamat",
    "anggota__keluarga__rt",
    "anggota__keluarga__rw",
    "anggota__keluarga__kelurahan__nama",
    "anggota__keluarga__kelurahan__parent__nama",
    "anggota__keluarga__pendamping__first_name",
    "anggota__keluarga__pendamping__last_name",
    "anggota__keluarga__pendamping__username",
    "kunjungan__status",
    "kunjungan__tanggal_kunjungan",
    "kunjungan__is_persetujuan_ortu",
)


def sekolah_rakyat_ekspor_baris(
    *, user: User, kandidat: QuerySet[BarisSekolahRakyat], tahun_ajaran: int
) -> Iterator[tuple[Any, ...]]:
    """The candidates of `kandidat` with their member, family and the home visit of the
    school year, as `KOLOM_EKSPOR` tuples in the list's order: one statement read 2.000 rows
    at a time, so an export never holds them all. Members are checked against the user's
    scope live, as on the list."""
    rows = (
        kandidat.filter(anggota__keluarga__in=scope_keluarga(user, Keluarga.objects.all()))
        .annotate(
            kunjungan=FilteredRelation(
                "anggota__sekolah_rakyat",
                condition=Q(anggota__sekolah_rakyat__tahun_ajaran=tahun_ajaran),
            )
        )
        .values_list(*KOLOM_EKSPOR)
    )
    return rows.iterator(chunk_size=2000)


@dataclass(frozen=True)
class RingkasSekolahRakyat:
    kelurahan: str
    pendamping: str
    utama: int
    cadangan: int
    dikonfirmasi: int


def sekolah_rakyat_ringkas(
    *, kandidat: QuerySet[BarisSekolahRakyat], tahun_ajaran: int
) -> list[RingkasSekolahRakyat]:
    """Candidates per kelurahan and pendamping (one GROUP BY over the filtered list), with
    those confirmed by a home visit in the school year."""
    # Uncorrelated, so PostgreSQL hashes the confirmed children once (as EXISTS it ran a
    # subplan for each of 25.000 rows at province scale: 60 of 88 ms).
    dikonfirmasi = KandidatSekolahRakyat.objects.filter(
        tahun_ajaran=tahun_ajaran, status=KandidatSekolahRakyat.Status.DIKONFIRMASI
    ).values("anggota_id")
    rows = (
        kandidat.order_by()
        .values("kelurahan__nama", "pendamping__first_name")
        .annotate(
            utama=Count("pk", filter=Q(is_cadangan=False)),
            cadangan=Count("pk", filter=Q(is_cadangan=True)),
            dikonfirmasi=Count("pk", filter=Q(anggota_id__in=dikonfirmasi)),
        )
        .order_by("kelurahan__nama", "pendamping__first_name")
    )
    return [
        RingkasSekolahRakyat(
            kelurahan=r["kelurahan__nama"],
            pendamping=r["pendamping__first_name"] or "(belum ada pendamping)",
            utama=r["utama"],
            cadangan=r["cadangan"],
            dikonfirmasi=r["dikonfirmasi"],
        )
        for r in rows
    ]


def sekolah_rakyat_anggota(
    *, user: User, anggota_id: int, tanggal_acuan: datetime.date, ringkasan: RingkasanSekolahRakyat
) -> Anggota:
    """A candidate child the user may see (404 when not visible or not a candidate)."""
    kandidat = sekolah_rakyat_kandidat(
        user=user,
        filters=FilterSekolahRakyat(tanggal_acuan=tanggal_acuan),
        ringkasan=ringkasan,
        kuota=sekolah_rakyat_kuota(ringkasan=ringkasan),
    )
    row = get_object_or_404(kandidat, anggota_id=anggota_id)
    found = sekolah_rakyat_anggota_list(user=user, baris=[row], tahun_ajaran=tanggal_acuan.year)
    if not found:
        raise Http404
    return found[0]


def sekolah_rakyat_tercatat(*, anggota: Anggota, tahun_ajaran: int) -> KandidatSekolahRakyat | None:
    """The home visit recorded for a child the caller already accessed, if any."""
    return KandidatSekolahRakyat.objects.filter(anggota=anggota, tahun_ajaran=tahun_ajaran).first()


def kelurahan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Kelurahan with a family the user may see (one probe per kelurahan)."""
    families = scope_keluarga(user, Keluarga.objects.filter(kelurahan_id=OuterRef("pk")))
    return Wilayah.objects.filter(Exists(families)).order_by("nama")


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


def _baris(ringkasan: RingkasanSekolahRakyat) -> QuerySet[BarisSekolahRakyat]:
    """The summary's rows, less people whose family asked for a restriction since it was
    computed (UU 27/2022): DTSEN rows by their NIK and No KK (KPM rows leave them blank;
    their family is checked by `scope_anggota`)."""
    return exclude_dibatasi(BarisSekolahRakyat.objects.filter(ringkasan=ringkasan), keluarga=None)


def sekolah_rakyat_kuota(
    *, ringkasan: RingkasanSekolahRakyat, pengaturan: Mapping[str, Any] | None = None
) -> list[KuotaJenjang]:
    """The intake's seats per level next to the desil 1–2 candidates of the whole office
    (KPM members and DTSEN children outside KPM, counted with the summary): one query.
    `pengaturan`: the settings in force, when the caller already read them."""
    if pengaturan is None:
        pengaturan = dinsos_selectors.pengaturan_semua(on=today())
    kursi = dict(
        KuotaSekolahRakyat.objects.filter(tahun_ajaran=ringkasan.tanggal_acuan.year).values_list(
            "jenjang", "jumlah_kursi"
        )
    )
    return [
        KuotaJenjang(
            jenjang=w.jenjang,
            label=KandidatSekolahRakyat.Jenjang(w.jenjang).label,
            kursi=kursi.get(w.jenjang),
            utama=int(ringkasan.utama.get(w.jenjang, 0)),
        )
        for w in jendela_usia(pengaturan)
    ]


def sekolah_rakyat_dtsen(
    *,
    user: User,
    filters: FilterSekolahRakyat,
    ringkasan: RingkasanSekolahRakyat,
    kuota: list[KuotaJenjang],
) -> QuerySet[BarisSekolahRakyat]:
    """DTSEN children outside KPM the user may see, as candidates (desil 1–2) or as reserve
    (desil 3, only for a level with seats left), with the list's filters; empty for a
    pendamping (they serve only the KPM families assigned to them) or with a pendamping
    filter (these children have no pendamping yet)."""
    if user.role == R.PENDAMPING or filters.pendamping:
        return BarisSekolahRakyat.objects.none()
    terbuka = [k.jenjang for k in kuota if k.is_cadangan_terbuka]
    rows = _baris(ringkasan).filter(sumber=SUMBER.DTSEN)
    if user.role != R.ADMIN:
        rows = rows.filter(di_kelurahan_scope(user))
    rows = rows.filter(Q(is_cadangan=False) | Q(jenjang__in=terbuka))
    if filters.kelurahan:
        rows = rows.filter(kelurahan_id=filters.kelurahan)
    if filters.jenjang:
        rows = rows.filter(jenjang=filters.jenjang)
    if filters.is_cadangan is not None:
        rows = rows.filter(is_cadangan=filters.is_cadangan)
    return rows.annotate(jenjang_sr=F("jenjang")).select_related("kelurahan").order_by("urutan")
