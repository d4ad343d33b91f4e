"""Reads of the PSKS kinds, the PMKS client register and the referrals awaiting an answer
(issue 20), always scoped through `pendamping.access`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_kelurahan_ids
from dinsos.hooks import SubjekPembatasan
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table
from pendamping.access import klien_dibatasi_ids, scope_klien, scope_pendamping, scope_rujukan
from pendamping.models import (
    JenisPsks,
    Kasus,
    KategoriPmks,
    KlienPmks,
    Kunjungan,
    PembatasanKlien,
    Pendamping,
    Rujukan,
)

# The PMKS clients' part of the indicator statement (pendamping.selectors.indikator), with
# its named parameters and `sasaran` (the profiles asked for): per worker, the clients they
# handle registered by the end of the period (served), and those with a visit, or a case
# reported or handled, in the period (reached). Only table names are formatted in.
KLIEN_CTE = f"""klien AS (
            SELECT c.pendamping_id, COUNT(*) AS dilayani,
                   COUNT(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM {db_table(Kunjungan)} v
                       WHERE v.klien_id = c.id AND v.tanggal BETWEEN %(awal)s AND %(akhir)s
                   ) OR EXISTS (
                       SELECT 1 FROM {db_table(Kasus)} k
                       WHERE k.klien_id = c.id
                         AND (k.tanggal_lapor BETWEEN %(awal)s AND %(akhir)s
                              OR k.tanggal_ditangani BETWEEN %(awal)s AND %(akhir)s)
                   )) AS terjangkau
            FROM {db_table(KlienPmks)} c
            WHERE c.pendamping_id IN (SELECT id FROM sasaran)
              AND c.created_at < %(akhir_waktu)s
            GROUP BY c.pendamping_id
        )"""  # noqa: S608


# --- Kinds and categories ---------------------------------------------------------------
def jenis_psks_pilihan() -> list[tuple[str, str]]:
    """Every worker kind as (code, name), for filters (inactive kinds still have workers)."""
    return list(JenisPsks.objects.order_by("urutan", "nama").values_list("kode", "nama"))


def jenis_psks_list() -> list[JenisPsks]:
    """The kinds in the office's order (the evaluation's sections)."""
    return list(JenisPsks.objects.order_by("urutan", "nama"))


def kategori_pmks_pilihan() -> QuerySet[KategoriPmks]:
    """Active PMKS categories for the client form."""
    return KategoriPmks.objects.filter(is_aktif=True).order_by("urutan", "nama")


# --- Clients ------------------------------------------------------------------------------
@dataclass(frozen=True)
class KlienFilter:
    q: str = ""
    kategori: int | None = None
    kelurahan: int | None = None


def klien_list(*, user: User, filters: KlienFilter) -> QuerySet[KlienPmks]:
    """PMKS clients the user may see, by name."""
    qs = scope_klien(user, KlienPmks.objects.all())
    if filters.q:
        qs = qs.filter(nama__icontains=filters.q)
    if filters.kategori:
        qs = qs.filter(kategori_id=filters.kategori)
    if filters.kelurahan:
        qs = qs.filter(kelurahan_id=filters.kelurahan)
    return qs.select_related("kategori", "kelurahan", "pendamping").order_by("nama", "pk")


# --- Restriction requests of clients (UU 27/2022; hooks of kpm's register) ----------------
def pembatasan_klien_terlihat(*, user: User) -> QuerySet[PembatasanKlien, int]:
    """hooks.PEMBATASAN_TERLIHAT: requests about the clients `user` may see (restricted
    ones included: the register is where they show)."""
    klien = scope_klien(user, KlienPmks.objects.all(), termasuk_dibatasi=True)
    return PembatasanKlien.objects.filter(klien__in=klien).values_list("permintaan_id", flat=True)


def pembatasan_klien_subjek(*, permintaan_ids: Iterable[int]) -> dict[int, SubjekPembatasan]:
    """hooks.PEMBATASAN_SUBJEK: the client of each request, masked (one query)."""
    rows = PembatasanKlien.objects.filter(permintaan_id__in=list(permintaan_ids)).select_related(
        "klien__kategori", "klien__kelurahan"
    )
    return {
        p.permintaan_id: SubjekPembatasan(
            jenis="Klien PMKS",
            nama=p.klien.nama,
            rincian=(
                ("NIK", p.klien.nik_tersamar),
                ("Kategori PMKS", p.klien.kategori.nama),
                ("Kelurahan", p.klien.kelurahan.nama),
                ("Catatan layanan", "Disimpan; tidak tampil di daftar dan ekspor."),
            ),
        )
        for p in rows
    }


def klien_identitas_dibatasi() -> QuerySet[KlienPmks, str]:
    """hooks.IDENTITAS_DIBATASI: NIKs of the restricted clients (a one-column queryset the
    export writer unions with the families'), so it drops any row holding one."""
    nik = KlienPmks.objects.filter(pk__in=klien_dibatasi_ids()).exclude(nik="")
    return nik.values_list("nik", flat=True).order_by()


def klien_pilihan(*, user: User) -> QuerySet[KlienPmks]:
    """Clients the user may record a case, referral or visit for."""
    return klien_list(user=user, filters=KlienFilter())


def klien_kelurahan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Current kelurahan a client may be registered in: the user's areas."""
    return Wilayah.objects.filter(
        pk__in=scope_kelurahan_ids(user), berlaku_sampai__isnull=True
    ).order_by("nama")


def klien_petugas_pilihan(*, user: User) -> QuerySet[Pendamping]:
    """Workers in service the user may put in charge of a client."""
    return (
        scope_pendamping(user, Pendamping.objects.filter(selesai__isnull=True))
        .select_related("jenis")
        .order_by("nama", "pk")
    )


def klien_catatan(*, klien: KlienPmks) -> dict[str, list[object]]:
    """A client's cases, referrals and visits, newest first (the caller checked access)."""
    return {
        "kasus": list(klien.kasus.select_related("pendamping").order_by("-tanggal_lapor", "-pk")),
        "rujukan": list(
            rujukan_dengan_tenggat(klien.rujukan.select_related("pendamping")).order_by(
                "-tanggal_kirim", "-pk"
            )
        ),
        "kunjungan": list(klien.kunjungan.select_related("pendamping").order_by("-tanggal", "-pk")),
    }


# --- Referrals awaiting an answer -----------------------------------------------------------
def rujukan_batas_hari(*, on: datetime.date | None = None) -> int:
    """Days a receiving institution has to answer before the referral is overdue (setting)."""
    return int(dinsos_selectors.pengaturan_get("rujukan_jawaban_batas_hari", on=on or today()))


def rujukan_batas_kirim(*, on: datetime.date | None = None) -> datetime.date:
    """Referrals sent before this day and still unanswered are overdue."""
    hari_ini = on or today()
    return hari_ini - datetime.timedelta(days=rujukan_batas_hari(on=hari_ini))


def rujukan_dengan_tenggat(
    rujukan: QuerySet[Rujukan], *, on: datetime.date | None = None
) -> QuerySet[Rujukan]:
    """`rujukan` with `is_terlambat`: still without an answer past the setting's days."""
    return rujukan.annotate(
        is_terlambat=Case(
            When(
                Q(status=Rujukan.Status.DIKIRIM) & Q(tanggal_kirim__lt=rujukan_batas_kirim(on=on)),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def rujukan_terlambat(*, user: User, on: datetime.date | None = None) -> QuerySet[Rujukan]:
    """Referrals the user may see that are still unanswered past the setting's days."""
    return scope_rujukan(user, Rujukan.objects.all()).filter(
        status=Rujukan.Status.DIKIRIM, tanggal_kirim__lt=rujukan_batas_kirim(on=on)
    )


def rujukan_is_terlambat(*, rujukan: Rujukan, on: datetime.date | None = None) -> bool:
    """One referral: still without an answer past the setting's days."""
    return rujukan.status == Rujukan.Status.DIKIRIM and rujukan.tanggal_kirim < (
        rujukan_batas_kirim(on=on)
    )
