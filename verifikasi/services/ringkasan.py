"""Writes of the Sekolah Rakyat candidate summary (`RingkasanSekolahRakyat`, issue 21).

- `sekolah_rakyat_ringkasan_siapkan`: the summary of a reference date, computed first when
  it is missing or out of date (the pages call it before reading);
- `sekolah_rakyat_ringkasan_basi`: a DTSEN/PBI-JK snapshot was applied or undone (hook
  `SNAPSHOT_DITERAPKAN`, in the applying transaction): families' desil and the DTSEN
  children changed, so every summary is computed again on its next read;
- `sekolah_rakyat_ringkasan_berkala`: Celery beat, every 5 minutes: the next intake's summary
  computed again, summaries of other dates past the setting deleted.

The candidate rule (DOMAIN.md §9, issue 20 D5) is the one the list used to run on every view:
children of desil ≤ `desil_cadangan_sekolah_rakyat` families whose age on the reference date
falls in a level's window, KPM members and DTSEN children outside KPM; desil above
`desil_maks_sekolah_rakyat` is the reserve. Which reserve levels are open depends on the
seats the admin sets, so that is decided when reading, as are the visits, the user's scope
and restriction requests.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table, queryset_sql
from kpm.models import Anggota
from verifikasi.models import BarisSekolahRakyat, RingkasanSekolahRakyat
from verifikasi.services.sekolah_rakyat import JendelaUsia, jendela_usia, tanggal_acuan_bawaan

SUMBER = BarisSekolahRakyat.Sumber
# Part of the fingerprint: a change to how rows are computed makes every stored summary stale.
VERSI_RUMUS = 1
KUNCI_ATURAN = (
    "desil_maks_sekolah_rakyat",
    "desil_cadangan_sekolah_rakyat",
    "sekolah_rakyat_usia_sd_min",
    "sekolah_rakyat_usia_sd_maks",
    "sekolah_rakyat_usia_smp_min",
    "sekolah_rakyat_usia_smp_maks",
    "sekolah_rakyat_usia_sma_min",
    "sekolah_rakyat_usia_sma_maks",
)


class _Umur(Func):
    """Age in full years on a date: EXTRACT(YEAR FROM AGE(date, tanggal_lahir))."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::int"
    output_field = IntegerField()


def sidik_aturan(pengaturan: Mapping[str, Any]) -> str:
    """The fingerprint of the settings a summary depends on (and of the formula)."""
    aturan = [VERSI_RUMUS, *(str(pengaturan[kunci]) for kunci in KUNCI_ATURAN)]
    return hashlib.sha256(json.dumps(aturan).encode()).hexdigest()


def umur_menit(pengaturan: Mapping[str, Any]) -> int:
    return int(pengaturan["ringkasan_umur_menit"])


def is_segar(ringkasan: RingkasanSekolahRakyat, pengaturan: Mapping[str, Any]) -> bool:
    batas = timezone.now() - datetime.timedelta(minutes=umur_menit(pengaturan))
    return (
        not ringkasan.is_basi
        and ringkasan.sidik == sidik_aturan(pengaturan)
        and ringkasan.dihitung_pada >= batas
    )


def sekolah_rakyat_ringkasan_siapkan(
    *, tanggal_acuan: datetime.date, pengaturan: Mapping[str, Any] | None = None
) -> RingkasanSekolahRakyat:
    """The summary of `tanggal_acuan`, computed first when missing or out of date (one
    query when it is fresh). `pengaturan`: the settings in force today, if already read."""
    if pengaturan is None:
        pengaturan = dinsos_selectors.pengaturan_semua(on=today())
    found = RingkasanSekolahRakyat.objects.filter(tanggal_acuan=tanggal_acuan).first()
    if found is not None and is_segar(found, pengaturan):
        return found
    ringkasan = sekolah_rakyat_ringkasan_hitung(tanggal_acuan=tanggal_acuan, pengaturan=pengaturan)
    _rapikan()
    return ringkasan


@transaction.atomic
def sekolah_rakyat_ringkasan_hitung(
    *, tanggal_acuan: datetime.date, pengaturan: Mapping[str, Any], paksa: bool = False
) -> RingkasanSekolahRakyat:
    """Compute the candidates of `tanggal_acuan` and replace the stored ones: two INSERT …
    SELECT statements (KPM members, DTSEN children outside KPM). Requests that find the
    summary stale at the same moment wait on its row lock, and the later ones reuse the
    first one's result unless `paksa`."""
    RingkasanSekolahRakyat.objects.get_or_create(
        tanggal_acuan=tanggal_acuan,
        defaults={"sidik": "", "is_basi": True, "dihitung_pada": timezone.now()},
    )
    ringkasan = RingkasanSekolahRakyat.objects.select_for_update().get(tanggal_acuan=tanggal_acuan)
    if not paksa and is_segar(ringkasan, pengaturan):
        return ringkasan
    BarisSekolahRakyat.objects.filter(ringkasan=ringkasan).delete()
    jendela = jendela_usia(pengaturan)
    if jendela:
        _simpan_kpm(ringkasan, tanggal_acuan, jendela, pengaturan)
        _simpan_dtsen(ringkasan, tanggal_acuan, jendela, pengaturan)
    ringkasan.utama = dict(
        BarisSekolahRakyat.objects.filter(ringkasan=ringkasan, is_cadangan=False)
        .order_by()
        .values("jenjang")
        .annotate(n=Count("pk"))
        .values_list("jenjang", "n")
    )
    ringkasan.sidik = sidik_aturan(pengaturan)
    ringkasan.is_basi = False
    ringkasan.dihitung_pada = timezone.now()
    ringkasan.save(update_fields=["utama", "sidik", "is_basi", "dihitung_pada"])
    return ringkasan


def _rapikan() -> None:
    """After the rows were replaced: VACUUM, so the next computation reuses the old rows'
    space instead of growing the table by a copy each time (where autovacuum is off or
    behind, 5 minutes of beat left the table 5× its size and every count 3× slower), and
    fresh statistics, which the pages' plans depend on (before ANALYZE a count took 0,5 s
    instead of 20 ms). Inside a transaction only ANALYZE can run."""
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{verb} {db_table(BarisSekolahRakyat)}")


def sekolah_rakyat_ringkasan_basi() -> int:
    """Mark every summary out of date, so its next read computes it again (call it in the
    writing transaction). Returns the summaries marked."""
    return RingkasanSekolahRakyat.objects.filter(is_basi=False).update(is_basi=True)


def sekolah_rakyat_snapshot_diterapkan(
    *, snapshot_id: int, jenis: str, wilayah_id: int, tanggal_data: datetime.date
) -> None:
    """`SNAPSHOT_DITERAPKAN` hook provider: a snapshot applied or undone changed the
    families' desil and the DTSEN children the candidates come from."""
    sekolah_rakyat_ringkasan_basi()


def sekolah_rakyat_ringkasan_berkala(*, on: datetime.date | None = None) -> int:
    """Beat: compute the next intake's summary again and delete other dates' summaries
    older than the setting (a page computes them again when asked). Returns rows kept."""
    day = on or today()
    pengaturan = dinsos_selectors.pengaturan_semua(on=day)
    acuan = tanggal_acuan_bawaan(day)
    batas = timezone.now() - datetime.timedelta(minutes=umur_menit(pengaturan))
    RingkasanSekolahRakyat.objects.exclude(tanggal_acuan=acuan).filter(
        dihitung_pada__lt=batas
    ).delete()
    ringkasan = sekolah_rakyat_ringkasan_hitung(
        tanggal_acuan=acuan, pengaturan=pengaturan, paksa=True
    )
    _rapikan()
    return BarisSekolahRakyat.objects.filter(ringkasan=ringkasan).count()


# --- The candidate rule, as two set-based statements --------------------------------------
def lahir_dalam_jendela(
    acuan: datetime.date, jendela: list[JendelaUsia]
) -> dict[str, datetime.date]:
    """Birth dates that can fall inside any age window on `acuan`, a few days wide on each
    side: a plain date range the planner can use, so the exact age (AGE() per person) is
    computed for these children only. The windows still decide."""
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


def _dengan_jenjang(rows: QuerySet[Any], acuan: datetime.date, jendela: list[JendelaUsia]) -> Any:
    """Rows with a `tanggal_lahir`, annotated with `umur` and `jenjang_sr` on `acuan`, those
    outside every window left out."""
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


def _cadangan_dan_urutan(rows: QuerySet[Any], *, desil: str, utama: int, kelurahan: str) -> Any:
    """`is_cadangan` (desil above `utama`) and `urutan`, the place in the list's order:
    main candidates first, then by desil, kelurahan name, name and id."""
    rows = rows.annotate(
        is_cadangan=Case(
            When(**{f"{desil}__gt": utama}, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    return rows.annotate(
        urutan=Window(
            RowNumber(),
            order_by=[
                F("is_cadangan").asc(),
                F(desil).asc(),
                F(f"{kelurahan}__nama").asc(),
                F("nama").asc(),
                F("pk").asc(),
            ],
        )
    )


def _simpan_kpm(
    ringkasan: RingkasanSekolahRakyat,
    acuan: datetime.date,
    jendela: list[JendelaUsia],
    pengaturan: Mapping[str, Any],
) -> None:
    """KPM members of the whole office (the scope is applied when reading)."""
    rows = _dengan_jenjang(
        Anggota.objects.filter(
            keluarga__desil__isnull=False,
            keluarga__desil__lte=int(pengaturan["desil_cadangan_sekolah_rakyat"]),
        ).filter(**lahir_dalam_jendela(acuan, jendela)),
        acuan,
        jendela,
    )
    rows = _cadangan_dan_urutan(
        rows,
        desil="keluarga__desil",
        utama=int(pengaturan["desil_maks_sekolah_rakyat"]),
        kelurahan="keluarga__kelurahan",
    )
    _insert(
        ringkasan,
        SUMBER.KPM,
        rows,
        {
            "anggota_id": F("pk"),
            "keluarga_id": F("keluarga_id"),
            "kelurahan_id": F("keluarga__kelurahan_id"),
            "pendamping_id": F("keluarga__pendamping_id"),
            "desil": F("keluarga__desil"),
            "jenjang": F("jenjang_sr"),
            "umur": F("umur"),
            "is_cadangan": F("is_cadangan"),
        },
    )


def _simpan_dtsen(
    ringkasan: RingkasanSekolahRakyat,
    acuan: datetime.date,
    jendela: list[JendelaUsia],
    pengaturan: Mapping[str, Any],
) -> None:
    """DTSEN children outside KPM, from the dtsen app's hook (verifikasi is below dtsen in
    the layers, so it reads them through `dinsos.hooks.ANAK_DTSEN`); nothing without it."""
    providers = hooks.registry.providers(hooks.ANAK_DTSEN)
    if not providers:
        return
    lahir = lahir_dalam_jendela(acuan, jendela)
    rows = _dengan_jenjang(
        providers[0](
            user=None,
            lahir_setelah=lahir["tanggal_lahir__gt"],
            lahir_sampai=lahir["tanggal_lahir__lte"],
            desil_maks=int(pengaturan["desil_cadangan_sekolah_rakyat"]),
        ),
        acuan,
        jendela,
    )
    rows = _cadangan_dan_urutan(
        rows,
        desil="desil",
        utama=int(pengaturan["desil_maks_sekolah_rakyat"]),
        kelurahan="kelurahan",
    )
    _insert(
        ringkasan,
        SUMBER.DTSEN,
        rows,
        {
            "dtsen_baris": F("pk"),
            "nik": F("nik"),
            "no_kk": F("no_kk"),
            "nama": F("nama"),
            "tanggal_lahir": F("tanggal_lahir"),
            "jenis_kelamin": F("jenis_kelamin"),
            "kelurahan_id": F("kelurahan_id"),
            "desil": F("desil"),
            "jenjang": F("jenjang_sr"),
            "umur": F("umur"),
            "is_cadangan": F("is_cadangan"),
        },
    )


def _insert(
    ringkasan: RingkasanSekolahRakyat,
    sumber: str,
    rows: QuerySet[Any],
    kolom: dict[str, Any],
) -> None:
    """INSERT … SELECT the candidates of one source: `kolom` maps each summary column to its
    expression on `rows` (selected as `r_<column>`); blank text columns stay ''."""
    rows = rows.order_by().values(
        r_urutan=F("urutan"), **{f"r_{nama}": ekspresi for nama, ekspresi in kolom.items()}
    )
    select, params = queryset_sql(rows, prefix=sumber)
    kosong = [c for c in ("nik", "no_kk", "nama", "jenis_kelamin") if c not in kolom]
    sql = f"""
        INSERT INTO {db_table(BarisSekolahRakyat)}
            (ringkasan_id, sumber, urutan, {", ".join([*kolom, *kosong])})
        SELECT %(ringkasan)s, %(sumber)s, q.r_urutan,
               {", ".join([*(f"q.r_{c}" for c in kolom), *("''" for _ in kosong)])}
        FROM ({select}) AS q
    """  # noqa: S608 (table and column names from this module and the model only)
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "ringkasan": ringkasan.pk, "sumber": sumber})
