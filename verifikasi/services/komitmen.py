"""Verifikasi komitmen (DOMAIN.md §4): monthly compliance records, and the proposals the
rules make from them, each stored with the months, meetings and figures behind it.

The rules themselves are set-based queries registered on the `pelanggaran_komitmen` hook
(this app's own monthly rule and the P2K2 alfa rule of the p2k2 app); this module runs them and
keeps their proposals. The office decides; an accepted proposal changes the family's status
through `keluarga_status_change`, so the history keeps who decided and why.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dinsos import hooks
from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.bulan import akhir_bulan, awal_bulan
from dinsos.errors import DomainError
from dinsos.formatting import bulan_tahun
from dinsos.models import AuditEvent, Persetujuan, User
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table
from kpm.access import scope_keluarga
from kpm.models import Anggota, Keluarga, Komponen
from kpm.services import keluarga_status_change
from verifikasi.models import (
    KOMPONEN_KOMITMEN,
    KOMPONEN_PENDIDIKAN,
    Komitmen,
    UnggahanEpkh,
    Usulan,
)
from verifikasi.services.kinerja_basi import komitmen_kinerja_basi

logger = logging.getLogger(__name__)
KS = Komitmen.Status
CATATAN_MAKS = 500


def status_pendidikan(persen: Decimal, *, batas: int | Decimal) -> str:
    """DOMAIN.md §4: a school child complies with ≥ `batas`% of effective school days."""
    return KS.PATUH if persen >= Decimal(batas) else KS.TIDAK_PATUH


def persen_teks(value: Decimal | float | int) -> str:
    """`84,9%`, `85%`: a percentage as the office writes it (no trailing zeros)."""
    number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    text = format(number, "f")
    return text.replace(".", ",") + "%"


# --- Recording ----------------------------------------------------------------------------
@dataclass(frozen=True)
class EntriKomitmen:
    """One member-component's verification for one month, as entered or imported."""

    anggota_id: int
    komponen: str
    status: str = ""  # derived from persen_kehadiran for education when that is given
    persen_kehadiran: Decimal | None = None
    catatan: str = ""
    hari_efektif: int | None = None
    alpa: int | None = None
    izin: int | None = None
    sakit: int | None = None
    npsn: str = ""


def _periksa_entri(entri: EntriKomitmen, *, batas: int) -> str:
    """The status to store for `entri`, or DomainError saying what is wrong with it."""
    if entri.komponen not in KOMPONEN_KOMITMEN:
        label = Komponen(entri.komponen).label if entri.komponen in Komponen else entri.komponen
        raise DomainError(f"Komponen {label} tidak punya verifikasi komitmen.", field="komponen")
    if entri.persen_kehadiran is not None:
        if entri.komponen not in KOMPONEN_PENDIDIKAN:
            raise DomainError(
                "Persen kehadiran hanya untuk komponen pendidikan.", field="persen_kehadiran"
            )
        if not Decimal(0) <= entri.persen_kehadiran <= Decimal(100):
            raise DomainError("Persen kehadiran harus antara 0 dan 100.", field="persen_kehadiran")
        return status_pendidikan(entri.persen_kehadiran, batas=batas)
    if entri.status not in KS.values:
        raise DomainError("Pilih patuh, tidak patuh atau tidak dapat diverifikasi.", field="status")
    if entri.status == KS.TIDAK_DAPAT_DIVERIFIKASI and not entri.catatan.strip():
        raise DomainError(
            "Tulis catatan mengapa komitmen tidak dapat diverifikasi.", field="catatan"
        )
    if len(entri.catatan) > CATATAN_MAKS:
        raise DomainError(f"Catatan paling banyak {CATATAN_MAKS} huruf.", field="catatan")
    return entri.status


@transaction.atomic
def komitmen_record(
    *,
    entri: Sequence[EntriKomitmen],
    bulan: datetime.date,
    oleh: User,
    sumber: str = Komitmen.Sumber.MANUAL,
) -> int:
    """Record (or correct) many verifications of one month in one statement (and one marking
    the pendamping performance summary, issue 21: `komitmen_kinerja_basi`); returns how many.

    The caller has already checked that `oleh` may record for these members. Education
    with a percentage is judged against the threshold in force on the month's first day
    (setting komitmen_pendidikan_persen_min). A month that has not started is refused.
    Re-recording the same member, component and month replaces the earlier answer.
    """
    if bulan != awal_bulan(bulan):
        raise ValueError("bulan must be the first day of a month")
    if bulan > awal_bulan(today()):
        raise DomainError(f"Bulan {bulan_tahun(bulan)} belum dimulai.", field="bulan")
    if not entri:
        return 0
    batas = int(dinsos_selectors.pengaturan_get("komitmen_pendidikan_persen_min", on=bulan))
    keluarga_of = dict(
        Anggota.objects.filter(pk__in={e.anggota_id for e in entri}).values_list(
            "pk", "keluarga_id"
        )
    )
    rows = [
        Komitmen(
            anggota_id=e.anggota_id,
            keluarga_id=keluarga_of[e.anggota_id],
            komponen=e.komponen,
            bulan=bulan,
            status=_periksa_entri(e, batas=batas),
            persen_kehadiran=e.persen_kehadiran,
            hari_efektif=e.hari_efektif,
            alpa=e.alpa,
            izin=e.izin,
            sakit=e.sakit,
            npsn=e.npsn,
            catatan=e.catatan.strip(),
            sumber=sumber,
            recorded_by=oleh,
        )
        for e in entri
    ]
    komitmen_kinerja_basi(
        bulan=bulan,
        anggota_ids={e.anggota_id for e in entri},
        komponen={e.komponen for e in entri},
        oleh=oleh,
    )
    Komitmen.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["anggota", "komponen", "bulan"],
        update_fields=[
            "keluarga",
            "status",
            "persen_kehadiran",
            "hari_efektif",
            "alpa",
            "izin",
            "sakit",
            "npsn",
            "catatan",
            "sumber",
            "recorded_by",
            "updated_at",
        ],
    )
    dinsos_services.audit_record(
        user=oleh,
        action=AuditEvent.Action.IMPORT
        if sumber == Komitmen.Sumber.EPKH
        else AuditEvent.Action.UPDATE,
        object_type=Komitmen._meta.label_lower,
        reason=f"Verifikasi komitmen {bulan_tahun(bulan)}",
        jumlah=len(rows),
    )
    return len(rows)


# --- Rule evaluation ------------------------------------------------------------------
@dataclass(frozen=True)
class Pelanggaran:
    """One rule finding from a provider of the `pelanggaran_komitmen` hook (dinsos.hooks).

    `rincian` is JSON: at least `ringkasan` (the Indonesian sentence the office reads),
    plus whatever the source shows (months, meetings, figures). `kunci` names the run
    (its first month or meeting), so the same run never becomes two proposals.
    """

    keluarga_id: int
    jenis: str
    kunci: str
    rincian: Mapping[str, Any]

    @classmethod
    def dari(cls, row: Any) -> Pelanggaran:
        def get(name: str) -> Any:
            return row[name] if isinstance(row, Mapping) else getattr(row, name)

        rincian = get("rincian")
        has_kunci = ("kunci" in row) if isinstance(row, Mapping) else hasattr(row, "kunci")
        kunci = get("kunci") if has_kunci else rincian["mulai"]
        return cls(
            keluarga_id=int(get("keluarga_id")),
            jenis=str(get("jenis")),
            kunci=str(kunci),
            rincian=rincian,
        )


@dataclass
class HasilEvaluasi:
    awal: datetime.date
    akhir: datetime.date
    ditemukan: int = 0  # findings of the rules in the period
    baru: int = 0  # new proposals
    diperbarui: int = 0  # open proposals whose explanation grew (a longer run)


def pelanggaran_list(start: datetime.date, end: datetime.date) -> list[Pelanggaran]:
    """Every finding of every registered rule for runs that touch [start, end]."""
    found: list[Pelanggaran] = []
    for source in hooks.registry.providers(hooks.PELANGGARAN_KOMITMEN):
        found.extend(Pelanggaran.dari(row) for row in source(start, end))
    return found


# Only families still aktif can be suspended (TRANSISI_STATUS); an open proposal gets the
# longer explanation when its run goes on; a decided one is never touched again.
_UPSERT_SQL = f"""
INSERT INTO {db_table(Usulan)} (
    keluarga_id, jenis, kunci, tindakan, status, alasan, ringkasan,
    periode_awal, periode_akhir, catatan_keputusan, created_at, updated_at
)
SELECT u.keluarga_id, u.jenis, u.kunci, %(tindakan)s, %(diusulkan)s, u.alasan::jsonb,
       u.ringkasan, %(awal)s, %(akhir)s, '', now(), now()
FROM unnest(
         %(keluarga_ids)s::int[], %(jenis)s::text[], %(kunci)s::text[], %(alasan)s::text[],
         %(ringkasan)s::text[]
     ) AS u(keluarga_id, jenis, kunci, alasan, ringkasan)
JOIN {db_table(Keluarga)} k ON k.id = u.keluarga_id AND k.status = %(aktif)s
ON CONFLICT (keluarga_id, jenis, kunci) DO UPDATE
   SET alasan = EXCLUDED.alasan, ringkasan = EXCLUDED.ringkasan,
       periode_akhir = EXCLUDED.periode_akhir, updated_at = now()
 WHERE {db_table(Usulan)}.status = %(diusulkan)s
   AND {db_table(Usulan)}.alasan IS DISTINCT FROM EXCLUDED.alasan
RETURNING (xmax = 0)
"""  # noqa: S608 (table names from model metadata only)


@transaction.atomic
def usulan_evaluate(
    *, bulan_awal: datetime.date, bulan_akhir: datetime.date, oleh: User | None = None
) -> HasilEvaluasi:
    """Run every rule over the months [bulan_awal, bulan_akhir] and store the proposals.

    With `oleh`, only the families that user may see get proposals: an operator of one
    kecamatan evaluates that kecamatan, never the city (issue 22). `oleh=None` is the
    system's own city-wide run (demo data, bench).

    Idempotent: running the same period again adds nothing; a run that grew refreshes its
    open proposal; a decided proposal is never reopened. Set-based: one query per rule and
    one upsert, whatever the number of families.
    """
    start, end = awal_bulan(bulan_awal), akhir_bulan(bulan_akhir)
    if start > end:
        raise DomainError("Bulan awal harus sebelum bulan akhir.", field="bulan_awal")
    hasil = HasilEvaluasi(awal=start, akhir=end)
    found = pelanggaran_list(start, end)
    if oleh is not None and found:
        candidates = Keluarga.objects.filter(pk__in={p.keluarga_id for p in found})
        visible = set(scope_keluarga(oleh, candidates).values_list("pk", flat=True))
        found = [p for p in found if p.keluarga_id in visible]
    hasil.ditemukan = len(found)
    if not found:
        return hasil
    params: dict[str, Any] = {
        "tindakan": Keluarga.Status.DITANGGUHKAN.value,
        "diusulkan": Usulan.Status.DIUSULKAN.value,
        "awal": start,
        "akhir": end,
        "keluarga_ids": [p.keluarga_id for p in found],
        "jenis": [p.jenis for p in found],
        "kunci": [p.kunci for p in found],
        "alasan": [json.dumps(p.rincian, ensure_ascii=False, default=str) for p in found],
        "ringkasan": [str(p.rincian.get("ringkasan", "")) for p in found],
        "aktif": Keluarga.Status.AKTIF.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, params)
        inserted = [row[0] for row in cursor.fetchall()]
    hasil.baru = sum(inserted)
    hasil.diperbarui = len(inserted) - hasil.baru
    logger.info(
        "usulan_evaluate %s..%s: %s findings, %s new, %s updated",
        start,
        end,
        hasil.ditemukan,
        hasil.baru,
        hasil.diperbarui,
    )
    return hasil


@transaction.atomic
def usulan_decide(*, usulan: Usulan, is_diterima: bool, catatan: str, oleh: User) -> Usulan:
    """The office's decision on a proposal. Accepting changes the family's status through
    `keluarga_status_change` with the proposal's explanation as the reason; rejecting needs
    a reason. A decided proposal cannot be decided again (DomainError)."""
    locked = Usulan.objects.select_for_update().select_related("keluarga").get(pk=usulan.pk)
    if locked.status != Usulan.Status.DIUSULKAN:
        raise DomainError(
            f"Usulan ini sudah {locked.get_status_display().lower()}.", field="keputusan"
        )
    catatan = catatan.strip()
    if is_diterima and dinsos_selectors.persetujuan_perlu(PENANGGUHAN):
        _usulan_ajukan(locked, catatan=catatan, oleh=oleh)  # issue 20: four eyes
        return locked
    _usulan_putuskan(locked, is_diterima=is_diterima, catatan=catatan, oleh=oleh)
    usulan.status = locked.status
    return locked


def _usulan_putuskan(locked: Usulan, *, is_diterima: bool, catatan: str, oleh: User) -> None:
    if is_diterima:
        alasan = f"Usulan #{locked.pk} diterima: {locked.ringkasan}"
        if catatan:
            alasan += f" Catatan: {catatan}"
        keluarga_status_change(
            keluarga=locked.keluarga, ke=locked.tindakan, alasan=alasan, oleh=oleh
        )
    elif not catatan:
        raise DomainError("Tulis alasan penolakan usulan.", field="catatan")
    locked.status = Usulan.Status.DITERIMA if is_diterima else Usulan.Status.DITOLAK
    locked.catatan_keputusan = catatan
    locked.diputuskan_oleh = oleh
    locked.diputuskan_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "catatan_keputusan",
            "diputuskan_oleh",
            "diputuskan_at",
            "updated_at",
        ]
    )


@transaction.atomic
def komitmen_impor_apply(
    *, entri_per_bulan: Mapping[datetime.date, Sequence[EntriKomitmen]], oleh: User
) -> int:
    """Record the months of one e-PKH file (verifikasi.importers.epkh), all or nothing;
    returns how many verifications were written. The caller has checked the file has no
    row errors."""
    return sum(
        komitmen_record(entri=entri, bulan=bulan, oleh=oleh, sumber=Komitmen.Sumber.EPKH)
        for bulan, entri in sorted(entri_per_bulan.items())
    )


# --- e-PKH uploads kept between preview and confirmation ---------------------------------
@transaction.atomic
def epkh_unggahan_simpan(*, isi: bytes, tahun: int, oleh: User) -> UnggahanEpkh:
    """Keep an uploaded e-PKH file on the server so its preview page carries only an id."""
    return UnggahanEpkh.objects.create(diunggah_oleh=oleh, tahun=tahun, isi=isi)


@transaction.atomic
def epkh_unggahan_terapkan(
    *,
    unggahan: UnggahanEpkh,
    entri_per_bulan: Mapping[datetime.date, Sequence[EntriKomitmen]],
    oleh: User,
) -> int:
    """Record a previewed e-PKH file (komitmen_impor_apply) and delete the kept upload in
    the same transaction, so a confirmed file cannot be applied twice."""
    jumlah = komitmen_impor_apply(entri_per_bulan=entri_per_bulan, oleh=oleh)
    unggahan.delete()
    return jumlah


def epkh_unggahan_hapus_kedaluwarsa(*, now: datetime.datetime | None = None) -> int:
    """Delete the uploads whose preview can no longer be confirmed; returns how many.

    Run hourly by beat (verifikasi.tasks), so a file with full NIKs stays at most two hours.
    """
    batas = (now or timezone.now()) - UnggahanEpkh.BERLAKU
    jumlah, _ = UnggahanEpkh.objects.filter(created_at__lt=batas).delete()
    if jumlah:
        logger.info("epkh_unggahan_hapus_kedaluwarsa dihapus=%s", jumlah)
    return jumlah


# --- Four eyes (issue 20) ---------------------------------------------------------------
PENANGGUHAN = Persetujuan.Jenis.PENANGGUHAN_KOMITMEN


def _usulan_ajukan(usulan: Usulan, *, catatan: str, oleh: User) -> Persetujuan:
    """Accepting a suspension proposal takes aid away: it waits for a second person."""
    keluarga = usulan.keluarga
    return dinsos_services.persetujuan_ajukan(
        jenis=PENANGGUHAN,
        objek=usulan,
        wilayah=keluarga.kelurahan,
        judul=str(keluarga),
        sebelum=keluarga.get_status_display(),
        sesudah=Keluarga.Status(usulan.tindakan).label,
        alasan=f"Usulan #{usulan.pk}: {usulan.ringkasan}"
        + (f" Catatan: {catatan}" if catatan else ""),
        data={"catatan": catatan},
        oleh=oleh,
    )


def persetujuan_penangguhan(*, persetujuan: Persetujuan, oleh: User) -> None:
    """Executor of an approved suspension (hooks.EKSEKUTOR_PERSETUJUAN): the approver
    accepts the komitmen proposal, as `usulan_decide` would have."""
    locked = (
        Usulan.objects.select_for_update()
        .select_related("keluarga")
        .get(pk=int(persetujuan.objek_id))
    )
    if locked.status != Usulan.Status.DIUSULKAN:
        raise DomainError(f"Usulan ini sudah {locked.get_status_display().lower()}.")
    catatan = str(persetujuan.data.get("catatan", ""))
    _usulan_putuskan(locked, is_diterima=True, catatan=catatan, oleh=oleh)
