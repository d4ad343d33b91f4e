"""Reconciliation runs: KPM and PBI-JK against DTSEN, KPM against PBI-JK (issue #7).

Matching rules (DOMAIN.md §10: the matching of datasets is documented; copied to the README)
=========================================================================================

Sources. A run compares the *applied* (active) snapshot of each source for one kabupaten/kota
with the KPM registry: families with status aktif, ditangguhkan or calon graduasi, and all
their members (graduated and cancelled families are not participants any more). Rows of a
snapshot belong to the run's area through their kelurahan; the other side of a join is the
whole snapshot (a person may be registered in another kecamatan). The rule values in force
when the run starts are stored on the run (`Rekonsiliasi.aturan`): the PKH cut-off
`desil_maks_pkh` (default 4), the PBI-JK cut-off `desil_maks_pbijk` (default 5, DOMAIN.md §3)
and the probable-match weights, thresholds and proposed bands (`pencocokan_*`).

Keys. People are matched on the exact 16-digit NIK, families on the exact No KK. NIKs are
unique inside a snapshot (the import rejects every copy of a duplicate NIK). Names are
compared after normalisation (`dinsos.names.normalize_nama`, and its SQL twin
`dtsen_nama_baku`: lower case, accents, titles, degrees and punctuation removed), so
"Hj. SITI AMINAH, S.Pd." equals "Siti Aminah". Nothing is matched on region codes.

Categories (the subject of each finding in brackets):
- KPM vs DTSEN (`kpm-dtsen`):
  - kpm_tidak_di_dtsen [member]: the member's NIK is not in the DTSEN snapshot.
  - kemungkinan_cocok [member]: for a member not found by NIK, the DTSEN person they probably
    are (issue #23). Candidates are DTSEN people who are not KPM members under their own NIK
    and share a block key with the member: the birth date (as is, or with day and month
    swapped), the NIK's first 12 digits (region and birth segment, the women's +40 on the day
    allowed either way), the No KK, the No KK under which the family's other members are
    found by NIK, or kelurahan + birth year + soundex of the name's last word; pairs found
    only by birth date or name sound whose first/last words share no sound are dropped.
    Each pair is scored by `dinsos.kecocokan` (Fellegi–Sunter points per signal level:
    name after folding — normalisation, the variant dictionary dinsos/data/varian_nama.csv,
    old spelling — as same, variant, word order, sound, one part missing, typo, different;
    birth date same, day/month swapped, one digit, placeholder 01-01/31-12/01-07 with the
    same year, only the year; NIK +40 missing, one digit, two neighbouring digits swapped,
    two digits, same region and birth segment; sex; kelurahan; same No KK or household
    overlap). The weights (`pencocokan_bobot`) and the band thresholds (`pencocokan_ambang`:
    sangat mungkin ≥ 16, mungkin ≥ 12, lemah ≥ 7 points) are dated settings stored on the
    run. The best candidate per member (highest score, then fewer differing NIK digits, then
    the lowest NIK) becomes a finding when its band is proposed for a field check
    (`pencocokan_pita_usulan`, default sangat mungkin and mungkin); the finding keeps the
    score, band, signal levels and the Indonesian explanation ("tanggal lahir tertukar
    hari/bulan", "NIK beda 1 digit", "nama: varian Muhammad"). A member may have both
    findings: "not found" is exact, "probable match" explains it. The field check's answer
    (sama orang / bukan) is kept as a labelled pair (`PasanganBerlabel`) from which
    `manage.py refit_pencocokan` re-fits the weights.
  - desil_di_atas_pkh / kpm_tanpa_desil [family]: the family's desil in the snapshot is the
    lowest desil among DTSEN rows under its No KK or under its members' NIKs (DTSEN repeats
    the family desil on each member; the lowest wins, as when a snapshot is applied). Above
    the PKH cut-off → desil_di_atas_pkh; no such rows, or all without desil → kpm_tanpa_desil.
  - desil_berubah [family]: the same desil computed on the previous applied DTSEN snapshot
    of the area differs (only when the family has rows in both).
  - data_berbeda [member]: exact NIK pair whose name (normalised), birth date, sex or No KK
    differ; the finding lists the fields and both values. An empty value on either side is
    not a disagreement.
  - nik_dua_kk [member]: DTSEN has the member's NIK under another No KK that is itself a
    current KPM family: one person counted in two families.
  - kk_anggota_berbeda [family]: the family's No KK is in DTSEN with another set of NIKs
    (the NIKs only in KPM and only in DTSEN are listed).
- PBI-JK vs DTSEN (`pbijk-dtsen`), PBI-JK participants whose status is not "nonaktif":
  - pbijk_tidak_di_dtsen [person]: NIK not in DTSEN (candidate for deactivation).
  - pbijk_desil_tidak_layak [person]: in DTSEN with desil above the PBI-JK cut-off or
    without desil (candidate for deactivation, DOMAIN.md §3).
  - dtsen_belum_pbijk [person]: a DTSEN person of the area in desil 1–cut-off with no active
    PBI-JK row (candidate for a proposal; "nonaktif" on the list → for reactivation).
  - data_berbeda [person]: as above, PBI-JK against DTSEN (No KK only when the list has it).
- KPM vs PBI-JK (`kpm-pbijk`):
  - kpm_tanpa_pbijk [member]: no PBI-JK row for the NIK, or one with status nonaktif; with
    the last applied list on which the person was active and the date of the next list
    (the removal date, used by the reactivation rules of DOMAIN.md §7).
  - data_berbeda [member]: as above, KPM against PBI-JK.

Carry-over. A finding's fingerprint (`sidik`) is md5 of the area, the run kind, the
category, the subject (NIK or No KK) and the compared values (e.g. both names, the desil, the
candidate NIK). A re-run that computes the same fingerprint keeps the finding and its
follow-up (state, pendamping, notes). A different fingerprint for the same subject and
category ("the data changed") opens a new finding in "belum diperiksa" that links to the
old one and keeps its pendamping; the old one is closed as "data berubah". An open finding
that a complete run no longer produces is closed as "anomali hilang" and stays in history;
if the very same anomaly comes back later, that finding reopens from "belum diperiksa".
A cancelled or failed run changes no finding: chunks write to a staging table that is
merged in one transaction at the end.

PBI-JK status. A row whose status reads "nonaktif", "non aktif", "non-aktif", "tidak aktif"
or "dinonaktifkan" (any case) is not active; any other text counts as active.

SIKS-NG lists (dtsen/selectors_siks.py). A finding decided "usulkan" goes to the reactivation
list when the person was once active on an applied PBI-JK list of the area and is not any
more (or the current list carries them as nonaktif); otherwise to the proposal list. The
removal date is the date of the first applied list on which they were no longer active.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos.errors import DomainError
from dinsos.models import User, Wilayah
from dtsen.models import Jenis, Rekonsiliasi, Snapshot
from kpm.models import Keluarga

logger = logging.getLogger(__name__)
J = Rekonsiliasi.Jenis
S = Rekonsiliasi.Status

# Current participants are compared; graduated and cancelled families are not.
STATUS_KPM_DIBANDINGKAN = (
    Keluarga.Status.AKTIF,
    Keluarga.Status.DITANGGUHKAN,
    Keluarga.Status.CALON_GRADUASI,
)
# Hash joins over a million-row snapshot spill to disk at the server default (4 MB).
WORK_MEM = "128MB"


class _Dibatalkan(Exception):
    """The run's cancellation flag was seen between two steps."""


@dataclass(frozen=True)
class Potongan:
    """One chunk of a run: the whole area, or one kecamatan, by its kelurahan ids."""

    label: str
    kelurahan: list[int]


# --- Starting a run -----------------------------------------------------------------------------
def _aktif(jenis: Jenis, wilayah: Wilayah) -> Snapshot | None:
    return Snapshot.objects.filter(
        jenis=jenis, wilayah=wilayah, status=Snapshot.Status.DITERAPKAN
    ).first()


def _sebelumnya(snapshot: Snapshot) -> Snapshot | None:
    return (
        Snapshot.objects.filter(
            jenis=snapshot.jenis,
            wilayah_id=snapshot.wilayah_id,
            status=Snapshot.Status.RIWAYAT,
            tanggal_data__lt=snapshot.tanggal_data,
        )
        .order_by("-tanggal_data", "-applied_at", "-id")
        .first()
    )


def _perlu(jenis: Jenis, wilayah: Wilayah) -> Snapshot:
    snapshot = _aktif(jenis, wilayah)
    if snapshot is None:
        raise DomainError(
            f"Belum ada snapshot {jenis.label} yang aktif untuk {wilayah.nama}. "
            "Impor dan terapkan dulu filenya."
        )
    return snapshot


def _aturan() -> dict[str, Any]:
    pengaturan = dinsos_selectors.pengaturan_semua()
    return {
        "desil_maks_pkh": int(pengaturan["desil_maks_pkh"]),
        "desil_maks_pbijk": int(pengaturan["desil_maks_pbijk"]),
        "bobot": pengaturan["pencocokan_bobot"],
        "ambang": pengaturan["pencocokan_ambang"],
        "pita_usulan": pengaturan["pencocokan_pita_usulan"],
    }


@transaction.atomic
def rekonsiliasi_create(
    *,
    jenis: Rekonsiliasi.Jenis,
    wilayah: Wilayah,
    started_by: User | None,
    mode: Rekonsiliasi.Mode | None = None,
) -> Rekonsiliasi:
    """Record a run of `jenis` for a kabupaten/kota on its active snapshots (not queued).

    Raises DomainError when a snapshot the run needs is not applied yet, or when a run of the
    same kind for the area is still waiting or running.
    """
    if wilayah.tingkat != Wilayah.Tingkat.KABUPATEN_KOTA:
        raise DomainError("Pilih wilayah kabupaten/kota.", field="wilayah")
    dtsen = dtsen_lama = pbijk = None
    if jenis in {J.KPM_DTSEN, J.PBIJK_DTSEN}:
        dtsen = _perlu(Jenis.DTSEN, wilayah)
        dtsen_lama = _sebelumnya(dtsen) if jenis == J.KPM_DTSEN else None
    if jenis in {J.PBIJK_DTSEN, J.KPM_PBIJK}:
        pbijk = _perlu(Jenis.PBIJK, wilayah)
    run = Rekonsiliasi(
        jenis=jenis,
        wilayah=wilayah,
        snapshot_dtsen=dtsen,
        snapshot_dtsen_lama=dtsen_lama,
        snapshot_pbijk=pbijk,
        mode=str(mode or getattr(settings, "DTSEN_REKONSILIASI_MODE", Rekonsiliasi.Mode.TUNGGAL)),
        aturan=_aturan(),
        started_by=started_by,
    )
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError as exc:
        berjalan = Rekonsiliasi.objects.filter(
            jenis=jenis, wilayah=wilayah, status__in=Rekonsiliasi.SEDANG_BERJALAN
        ).first()
        nomor = f" (#{berjalan.pk})" if berjalan else ""
        raise DomainError(
            f"Rekonsiliasi {J(jenis).label} untuk {wilayah.nama} masih berjalan{nomor}. "
            "Tunggu sampai selesai atau batalkan dulu."
        ) from exc
    logger.info(
        "rekonsiliasi %s (%s) dibuat oleh user %s", run.pk, jenis, getattr(started_by, "pk", None)
    )
    return run


PESAN_ANTREAN_TIDAK_TERSEDIA = (
    "Antrean tugas sedang tidak tersedia; rekonsiliasi belum dimulai. Coba lagi beberapa saat lagi."
)


def rekonsiliasi_fail_unqueued(*, rekonsiliasi_id: int) -> None:
    """Close a waiting run that could not be queued (Redis down) as failed, so a new one may
    start at once, and raise a DomainError saying so instead of answering 500."""
    now = timezone.now()
    Rekonsiliasi.objects.filter(pk=rekonsiliasi_id, status=S.MENUNGGU).update(
        status=S.GAGAL, pesan_gagal=PESAN_ANTREAN_TIDAK_TERSEDIA, finished_at=now, updated_at=now
    )
    raise DomainError(PESAN_ANTREAN_TIDAK_TERSEDIA)


@transaction.atomic
def rekonsiliasi_cancel(*, rekonsiliasi: Rekonsiliasi, user: User) -> Rekonsiliasi:
    """Stop a run: a waiting one at once, a running one at its next step (nothing is kept)."""
    locked = Rekonsiliasi.objects.select_for_update().get(pk=rekonsiliasi.pk)
    if not locked.is_berjalan:
        raise DomainError("Rekonsiliasi ini sudah tidak berjalan.")
    locked.is_batal_diminta = True
    fields = ["is_batal_diminta", "updated_at"]
    if locked.status == S.MENUNGGU:
        locked.status = S.DIBATALKAN
        locked.tahap = ""
        locked.finished_at = timezone.now()
        fields += ["status", "tahap", "finished_at"]
    locked.save(update_fields=fields)
    logger.info("rekonsiliasi %s dibatalkan oleh user %s", locked.pk, user.pk)
    return locked


# --- Running it ------------------------------------------------------------------------------
