"""Final Closing import (DOMAIN.md §7): bring the registry in line with the office's master list.

New families are registered in bulk, set-based (`keluarga_final_closing_register_bulk`): an
office's first import brings ~10.000 of them and must fit in one web request. A family already
in the registry is updated row by row (`keluarga_final_closing_apply`) through the editing
services, so each change keeps its history.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.errors import DomainError
from dinsos.formatting import mask_nik, mask_no_kk
from dinsos.models import AuditEvent, User
from dinsos.names import normalize_nama
from kpm.komponen import Aturan, DataAnggota, komponen_anggota
from kpm.models import (
    Anggota,
    Keluarga,
    KeluargaTidakAdaDiImpor,
    RiwayatPerubahan,
    RiwayatStatus,
)
from kpm.services.keluarga import (
    ANGGOTA_FIELDS,
    KELUARGA_FIELDS,
    S,
    anggota_create,
    anggota_update,
    field_changes,
    keluarga_komponen_refresh,
    keluarga_update,
)

logger = logging.getLogger(__name__)

# --- Final Closing import (DOMAIN.md §7) --------------------------------------------------
# DOMAIN.md §5: graduasi and dibatalkan end participation, so such a family is expected to be
# absent from the centre's list and is not followed up.
STATUS_SELESAI = frozenset({S.GRADUASI, S.DIBATALKAN})
# The Final Closing has no relation column: a pengurus it brings in is recorded with this
# relation (usually the mother, DOMAIN.md §1), to be corrected on the family page if wrong.
HUBUNGAN_PENGURUS_IMPOR = {
    Anggota.JenisKelamin.PEREMPUAN: Anggota.Hubungan.ISTRI_SUAMI,
    Anggota.JenisKelamin.LAKI_LAKI: Anggota.Hubungan.KEPALA_KELUARGA,
}
AKSI_BARU, AKSI_DIPERBARUI, AKSI_TETAP = "baru", "diperbarui", "tetap"
# The texts keluarga_create and anggota_create use, so a family registered in bulk reads the
# same in its history and a refused row gets the same message as one registered on its own.
ALASAN_DIDAFTARKAN = "Keluarga didaftarkan."
PESAN_NO_KK_TERDAFTAR = "No KK {no_kk} sudah terdaftar."
PESAN_NIK_TERDAFTAR = "NIK ini sudah terdaftar pada keluarga KK {no_kk}."
_IN_BATCH = 10_000  # identifiers per `IN (...)` query, far below PostgreSQL's parameter limit


@dataclass(frozen=True)
class HasilFinalClosing:
    """What one Final Closing row did to the registry."""

    keluarga: Keluarga
    aksi: str  # AKSI_BARU, AKSI_DIPERBARUI or AKSI_TETAP
    perubahan: dict[str, list[Any]]  # {field: [old, new]}, identifiers masked
    peringatan: list[tuple[str, str]]  # (field, message): differences not applied


@dataclass(frozen=True)
class KeluargaBaruImpor:
    """One Final Closing row whose No KK is not in the registry: the family and its pengurus."""

    keluarga_data: Mapping[str, Any]  # no_kk, kelurahan; alamat, rt, rw when the file has them
    pengurus_data: Mapping[str, Any]  # nik, nama, tanggal_lahir, jenis_kelamin
    status: str | None  # the file's STATUS, None when empty


def _nama_sama(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _pengurus_label(anggota: Anggota | None) -> str | None:
    return f"{anggota.nama} ({mask_nik(anggota.nik)})" if anggota else None


def _pengurus_sync(
    *,
    keluarga: Keluarga,
    pemilik_nik: Anggota | None,
    data: Mapping[str, Any],
    oleh: User,
) -> dict[str, list[Any]]:
    """Make the row's person the family's pengurus with the row's name and birth date."""
    pengurus = keluarga.pengurus
    anggota = pengurus if pengurus is not None and pengurus.nik == data["nik"] else pemilik_nik
    if anggota is None or anggota.keluarga_id != keluarga.pk:
        # Unknown NIK: a member the registry lacks. anggota_create refuses a NIK that is
        # already on another family.
        baru = anggota_create(
            keluarga=keluarga,
            data={**data, "hubungan": HUBUNGAN_PENGURUS_IMPOR[data["jenis_kelamin"]]},
            oleh=oleh,
            is_pengurus=True,
        )
        return {"pengurus": [_pengurus_label(pengurus), _pengurus_label(baru)]}
    ubah: dict[str, Any] = {}
    if not _nama_sama(anggota.nama, data["nama"]):
        ubah["nama"] = data["nama"]
    if anggota.tanggal_lahir != data["tanggal_lahir"]:
        ubah["tanggal_lahir"] = data["tanggal_lahir"]
    changes = field_changes(anggota, ubah, ANGGOTA_FIELDS)
    is_pengurus = anggota.pk != keluarga.pengurus_id
    if is_pengurus:
        changes["pengurus"] = [_pengurus_label(pengurus), _pengurus_label(anggota)]
    if changes:
        anggota_update(anggota=anggota, data=ubah, oleh=oleh, is_pengurus=is_pengurus or None)
    return changes


@transaction.atomic
def keluarga_final_closing_apply(
    *,
    keluarga: Keluarga,
    pemilik_nik: Anggota | None,
    keluarga_data: Mapping[str, Any],
    pengurus_data: Mapping[str, Any],
    status: str | None,
    oleh: User,
) -> HasilFinalClosing:
    """Bring a registered family in line with its Final Closing row, through the editing
    services so the history is kept (new families: `keluarga_final_closing_register_bulk`).

    The family gets its alamat/RT/RW (keys present in `keluarga_data`) and its pengurus's name
    and birth date updated; a row's person who is not yet a member is added as pengurus.
    Status and kelurahan are never changed here (a status change needs a reason): a difference
    is returned as a warning. `pemilik_nik` is the member who already holds the row's NIK, if
    any. Idempotent: an unchanged row writes nothing. Raises DomainError (e.g. the NIK is on
    another family) and then writes nothing of the row.
    """
    peringatan: list[tuple[str, str]] = []
    tertulis = S(status).label.upper() if status else ""
    if status and status != keluarga.status:
        peringatan.append(
            (
                "status",
                f"STATUS di file {tertulis}, di registri {keluarga.get_status_display().upper()}: "
                "status tidak diubah. Ubah status di halaman keluarga dengan alasan.",
            )
        )
    kelurahan = keluarga_data["kelurahan"]
    if kelurahan.pk != keluarga.kelurahan_id:
        peringatan.append(
            (
                "kelurahan",
                f"KELURAHAN di file {kelurahan.nama}, di registri {keluarga.kelurahan.nama}: "
                "kelurahan tidak diubah. Pindahkan keluarga di halaman keluarga.",
            )
        )
    alamat = {f: keluarga_data[f] for f in ("alamat", "rt", "rw") if f in keluarga_data}
    changes = field_changes(keluarga, alamat, KELUARGA_FIELDS)
    if changes:
        keluarga_update(keluarga=keluarga, data=alamat, oleh=oleh)
    changes.update(
        _pengurus_sync(keluarga=keluarga, pemilik_nik=pemilik_nik, data=pengurus_data, oleh=oleh)
    )
    return HasilFinalClosing(
        keluarga, AKSI_DIPERBARUI if changes else AKSI_TETAP, changes, peringatan
    )


@transaction.atomic
def keluarga_final_closing_finish(
    *,
    no_kk_di_file: Iterable[str],
    kelurahan_ids: Iterable[int],
    nama_file: str,
    jumlah_baris: int,
    oleh: User,
) -> int:
    """Follow up families missing from an imported Final Closing, and audit the import.

    Each family in `kelurahan_ids` still in the programme whose No KK is not in the file gets a
    KeluargaTidakAdaDiImpor row (DOMAIN.md §7: never deleted). Idempotent: a family already
    listed, unresolved, for the same file name is not listed again. Returns how many families
    are missing from the file.
    """
    di_file = set(no_kk_di_file)
    area = (
        Keluarga.objects.filter(kelurahan_id__in=list(kelurahan_ids))
        .exclude(status__in=STATUS_SELESAI)
        .values_list("pk", "no_kk")
    )
    hilang = [pk for pk, no_kk in area if no_kk not in di_file]
    sudah = set(
        KeluargaTidakAdaDiImpor.objects.filter(
            keluarga_id__in=hilang, nama_file=nama_file, is_selesai=False
        ).values_list("keluarga_id", flat=True)
    )
    KeluargaTidakAdaDiImpor.objects.bulk_create(
        KeluargaTidakAdaDiImpor(keluarga_id=pk, nama_file=nama_file, diimpor_oleh=oleh)
        for pk in hilang
        if pk not in sudah
    )
    dinsos_services.audit_record(
        user=oleh,
        action=AuditEvent.Action.IMPORT,
        object_type=Keluarga._meta.label_lower,
        reason=f"Final Closing {nama_file}",
        jumlah=jumlah_baris,
    )
    logger.info(
        "final closing import by user_id=%s: %s rows, %s missing",
        oleh.pk,
        jumlah_baris,
        len(hilang),
    )
    return len(hilang)


# --- New families, in bulk ------------------------------------------------------------------
def _batches(values: Collection[str]) -> Iterator[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _IN_BATCH):
        yield items[start : start + _IN_BATCH]


def _terdaftar(rows: Sequence[KeluargaBaruImpor]) -> tuple[set[str], dict[str, str]]:
    """The rows' No KKs already registered, and the rows' NIKs already on a family (NIK → that
    family's No KK): one query per 10.000 identifiers."""
    no_kk_terdaftar: set[str] = set()
    for batch in _batches({r.keluarga_data["no_kk"] for r in rows}):
        no_kk_terdaftar.update(
            Keluarga.objects.filter(no_kk__in=batch).values_list("no_kk", flat=True)
        )
    nik_terdaftar: dict[str, str] = {}
    for batch in _batches({r.pengurus_data["nik"] for r in rows}):
        nik_terdaftar.update(
            Anggota.objects.filter(nik__in=batch).values_list("nik", "keluarga__no_kk")
        )
    return no_kk_terdaftar, nik_terdaftar


def _periksa(rows: Sequence[KeluargaBaruImpor]) -> list[DomainError | None]:
    """Each row's refusal, as keluarga_register would refuse it registering the rows in order:
    the No KK first, then the NIK (also against an earlier row of the same batch)."""
    no_kk_terdaftar, nik_terdaftar = _terdaftar(rows)
    errors: list[DomainError | None] = []
    for row in rows:
        no_kk, nik = row.keluarga_data["no_kk"], row.pengurus_data["nik"]
        if no_kk in no_kk_terdaftar:
            message = PESAN_NO_KK_TERDAFTAR.format(no_kk=mask_no_kk(no_kk))
            errors.append(DomainError(message, field="no_kk"))
        elif nik in nik_terdaftar:
            message = PESAN_NIK_TERDAFTAR.format(no_kk=mask_no_kk(nik_terdaftar[nik]))
            errors.append(DomainError(message, field="nik"))
        else:
            errors.append(None)
            no_kk_terdaftar.add(no_kk)
            nik_terdaftar[nik] = no_kk
    return errors


def _next_ids(model: type[Keluarga | Anggota], count: int) -> list[int]:
    """`count` ids from the table's sequence, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%(table)s, 'id'))"
            " FROM generate_series(1, %(count)s)",
            {"table": model._meta.db_table, "count": count},
        )
        return [row[0] for row in cursor.fetchall()]


def _daftarkan(
    rows: Sequence[KeluargaBaruImpor], *, oleh: User, on: datetime.date
) -> list[Keluarga]:
    """Insert the families, their pengurus and their first history rows: 7 statements
    whatever the number of rows."""
    if not rows:
        return []
    # Ids are drawn first so each family is inserted with its pengurus already set (the
    # foreign keys are checked at commit): no UPDATE of thousands of just-inserted rows.
    keluarga_ids = _next_ids(Keluarga, len(rows))
    anggota_ids = _next_ids(Anggota, len(rows))
    # The components are set at insert with the rule keluarga_komponen_refresh applies, so
    # the refresh the caller runs once for the batch finds nothing to rewrite.
    aturan = Aturan.dari_pengaturan(dinsos_selectors.pengaturan_semua(on=on))
    members: list[Anggota] = []
    families: list[Keluarga] = []
    for r, keluarga_id, anggota_id in zip(rows, keluarga_ids, anggota_ids, strict=True):
        data = {
            **r.pengurus_data,
            "hubungan": HUBUNGAN_PENGURUS_IMPOR[r.pengurus_data["jenis_kelamin"]],
        }
        anggota = Anggota(
            pk=anggota_id,
            keluarga_id=keluarga_id,
            nama_cari=normalize_nama(data["nama"]),
            **{f: data[f] for f in ANGGOTA_FIELDS if f in data},
        )
        anggota.komponen = komponen_anggota(_data_komponen(anggota), on=on, aturan=aturan)
        members.append(anggota)
        families.append(
            Keluarga(
                pk=keluarga_id,
                no_kk=r.keluarga_data["no_kk"],
                kelurahan=r.keluarga_data["kelurahan"],
                alamat=r.keluarga_data.get("alamat", ""),
                rt=r.keluarga_data.get("rt", ""),
                rw=r.keluarga_data.get("rw", ""),
                pendamping=r.keluarga_data.get("pendamping"),
                tanggal_terdaftar=on,
                pengurus=anggota,
                komponen=sorted(set(anggota.komponen)),
            )
        )
    _copy(Keluarga, families)
    _copy(Anggota, members)
    _copy(
        RiwayatStatus,
        [
            RiwayatStatus(keluarga=k, dari="", ke=S.AKTIF, alasan=ALASAN_DIDAFTARKAN, oleh=oleh)
            for k in families
        ],
    )
    _copy(
        RiwayatPerubahan,
        [
            RiwayatPerubahan(
                keluarga=k, anggota=a, perubahan={"anggota": [None, _pengurus_label(a)]}, oleh=oleh
            )
            for k, a in zip(families, members, strict=True)
        ],
    )
    return families


def _copy(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert `objs` as bulk_create would (each field prepares its value, auto_now included),
    but with COPY: 10.000 rows take a fifth of the time of bulk_create's INSERT statements.
    Errors are Django's (a duplicate NIK raises IntegrityError)."""
    if not objs:
        return
    # Objects without an id get one from the table's identity column.
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and objs[0].pk is None)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"  # model metadata only
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def _data_komponen(anggota: Anggota) -> DataAnggota:
    return DataAnggota(
        tanggal_lahir=anggota.tanggal_lahir,
        jenjang_sekolah=anggota.jenjang_sekolah,
        is_hamil=anggota.is_hamil,
        is_disabilitas_berat=anggota.is_disabilitas_berat,
        is_korban_ham=anggota.is_korban_ham,
    )


def _peringatan_status_baru(status: str | None) -> list[tuple[str, str]]:
    """A new family starts aktif: another STATUS in the file is reported, not applied."""
    if not status or status == S.AKTIF:
        return []
    return [
        (
            "status",
            f"Keluarga baru didaftarkan berstatus Aktif; STATUS {S(status).label.upper()} di file "
            "tidak diterapkan. Ubah status di halaman keluarga dengan alasan.",
        )
    ]


@transaction.atomic
def keluarga_final_closing_register_bulk(
    *, rows: Sequence[KeluargaBaruImpor], oleh: User, on: datetime.date
) -> list[HasilFinalClosing | DomainError]:
    """Register the new families of a Final Closing file, each with the row's person as
    pengurus (enrolled `on`, status aktif), in a fixed number of queries (per 10.000 rows).

    Returns, in the order of `rows`, what each row did, or the DomainError refusing it (No KK
    already registered, NIK already on a family: the messages keluarga_register gives); a
    refused row writes nothing, the others are registered. The history is the one
    keluarga_register writes (RiwayatStatus "Keluarga didaftarkan.", a RiwayatPerubahan for
    the added member) and the components are derived once for the batch. No CREATE audit row
    per family: the import's one IMPORT audit row (`keluarga_final_closing_finish`) records
    who imported how many rows, and 10.000 identical audit rows would say nothing more.
    """
    for attempt in range(2):
        errors = _periksa(rows)
        valid = [r for r, e in zip(rows, errors, strict=True) if e is None]
        try:
            with transaction.atomic():
                families = _daftarkan(valid, oleh=oleh, on=on)
            break
        except IntegrityError:
            # Another import registered one of these No KKs or NIKs after the check: check
            # again, so that row is refused with the message keluarga_register would give.
            if attempt:
                raise
    keluarga_komponen_refresh(keluarga_ids=[k.pk for k in families], on=on)
    created = iter(families)
    results: list[HasilFinalClosing | DomainError] = [
        error or HasilFinalClosing(next(created), AKSI_BARU, {}, _peringatan_status_baru(r.status))
        for r, error in zip(rows, errors, strict=True)
    ]
    logger.info(
        "final closing: %s families registered in bulk by user_id=%s, %s refused",
        len(families),
        oleh.pk,
        len(rows) - len(families),
    )
    return results
