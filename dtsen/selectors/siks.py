"""Reads behind the SIKS-NG lists (DOMAIN.md §7): decided findings checked against the rules
before they leave, and the user's earlier exports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from dinsos import selectors as dinsos_selectors
from dinsos.bulan import tambah_bulan
from dinsos.formatting import tanggal
from dinsos.models import User
from dinsos.pengaturan import today
from dinsos.raw_sql import db_table
from dtsen.access.temuan import scope_temuan
from dtsen.models import (
    PBIJK_NONAKTIF_REGEX,
    EksporSiks,
    EksporSiksBaris,
    PbiJkRecord,
    Snapshot,
    Temuan,
    TemuanRiwayat,
)
from dtsen.selectors.rekonsiliasi import KATEGORI_USULAN

R = User.Role


@dataclass
class CalonSiks:
    """A decided finding on its way to an SIKS-NG list, with why it may not go (if so)."""

    temuan: Temuan
    alasan: list[str] = field(default_factory=list)
    nonaktif_sejak: datetime.date | None = None
    surat_faskes: str = ""  # the letter's note (first line), when the list needs one
    catatan: str = ""  # the last ground-check note (filled in when the list is written)
    noka: str = ""  # BPJS card: on the current list, else the last one the person had

    @property
    def is_lolos(self) -> bool:
        return not self.alasan


@dataclass
class PeriksaSiks:
    jenis: EksporSiks.Jenis
    lolos: list[CalonSiks]
    ditolak: list[CalonSiks]


_RIWAYAT_PBIJK = f"""
    WITH daftar AS (
        SELECT id, tanggal_data FROM {db_table(Snapshot)}
        WHERE jenis = 'pbijk' AND status IN ('diterapkan', 'riwayat')
          AND wilayah_id = ANY(%(wilayah)s)
    ),
    terakhir AS (
        SELECT DISTINCT ON (r.nik) r.nik, s.tanggal_data AS tanggal, r.noka
        FROM daftar s JOIN {db_table(PbiJkRecord)} r ON r.snapshot_id = s.id
        WHERE r.nik = ANY(%(nik)s) AND r.status_kepesertaan !~ %(nonaktif)s
        ORDER BY r.nik, s.tanggal_data DESC
    )
    SELECT t.nik, (SELECT min(s.tanggal_data) FROM daftar s WHERE s.tanggal_data > t.tanggal),
        t.noka
    FROM terakhir t
"""  # noqa: S608 (table names from model metadata only)


@dataclass(frozen=True)
class Penonaktifan:
    """When a person left PBI-JK: the first list without them active, their last card."""

    sejak: datetime.date
    noka: str


def pbijk_penonaktifan(*, niks: list[str], wilayah_ids: list[int]) -> dict[str, Penonaktifan]:
    """For people once active on an applied PBI-JK list of the areas and not any more: the
    date of the first list on which they were no longer active (their removal, DOMAIN.md §7)
    and the card number they last had (1 query)."""
    if not niks:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _RIWAYAT_PBIJK, {"nik": niks, "wilayah": wilayah_ids, "nonaktif": PBIJK_NONAKTIF_REGEX}
        )
        return {
            nik: Penonaktifan(sejak, noka)
            for nik, sejak, noka in cursor.fetchall()
            if sejak is not None
        }


def _calon(user: User, jenis: EksporSiks.Jenis) -> list[Temuan]:
    k = Temuan.Keputusan
    temuan = scope_temuan(user, Temuan.objects.all()).filter(
        closed_at__isnull=True, diekspor_at__isnull=True, tahap=Temuan.Tahap.DIPUTUSKAN
    )
    if jenis == EksporSiks.Jenis.NONAKTIF:
        temuan = temuan.filter(keputusan=k.USUL_NONAKTIF)
    else:
        temuan = temuan.filter(keputusan=k.USULKAN, kategori__in=KATEGORI_USULAN)
    return list(
        temuan.select_related("kelurahan", "kecamatan", "keluarga__pengurus", "anggota").order_by(
            "kecamatan__nama", "kelurahan__nama", "nama", "id"
        )
    )


def _pernah_aktif(t: Temuan, sejak: dict[str, Penonaktifan]) -> bool:
    return t.nik in sejak or t.rincian.get("status_pbijk") == "nonaktif"


def siks_periksa(*, user: User, jenis: EksporSiks.Jenis) -> PeriksaSiks:
    """The decided findings of one SIKS-NG list, checked against DOMAIN.md §7 before export:
    rows failing a rule carry the reason and are not exported."""
    rows = _calon(user, jenis)
    if jenis != EksporSiks.Jenis.NONAKTIF:
        # Someone who was ever active on an applied PBI-JK list of the area is reactivated;
        # anyone else is proposed (DOMAIN.md §7).
        sejak = pbijk_penonaktifan(
            niks=[t.nik for t in rows], wilayah_ids=sorted({t.wilayah_id for t in rows})
        )
        reaktivasi = jenis == EksporSiks.Jenis.REAKTIVASI
        rows = [t for t in rows if _pernah_aktif(t, sejak) == reaktivasi]
    calon = [CalonSiks(t) for t in rows]
    if jenis == EksporSiks.Jenis.USULAN:
        _periksa_usulan(calon)
    elif jenis == EksporSiks.Jenis.REAKTIVASI:
        _periksa_reaktivasi(calon, sejak)
    return PeriksaSiks(
        jenis=jenis,
        lolos=[c for c in calon if c.is_lolos],
        ditolak=[c for c in calon if not c.is_lolos],
    )


def _desil(t: Temuan) -> int | None:
    desil = t.rincian.get("desil")
    if desil is None and t.keluarga is not None:
        return t.keluarga.desil
    return int(desil) if desil is not None else None


def _periksa_usulan(calon: list[CalonSiks]) -> None:
    batas = int(dinsos_selectors.pengaturan_get("desil_maks_pbijk"))  # DOMAIN.md §3
    seen: set[str] = set()
    for c in calon:
        desil = _desil(c.temuan)
        if desil is None:
            c.alasan.append("Desil belum diketahui: orang ini belum ada di DTSEN.")
        elif desil > batas:
            c.alasan.append(f"Desil {desil} di atas batas PBI-JK (desil 1–{batas}).")
        if c.temuan.nik in seen:
            c.alasan.append(NIK_GANDA_DI_DAFTAR)
        seen.add(c.temuan.nik)


# The reasons a row stays behind, shared with the monthly proposal batches (pemutakhiran).
NIK_GANDA_DI_DAFTAR = "NIK yang sama sudah ada di daftar ini."
SURAT_FASKES_BELUM = "Belum ada surat keterangan fasilitas kesehatan sebagai bukti."


def reaktivasi_alasan_waktu(
    *, nonaktif_sejak: datetime.date | None, hari_ini: datetime.date, bulan_maks: int
) -> str | None:
    """Why a PBI-JK reactivation may not go on `hari_ini` (DOMAIN.md §7: within `bulan_maks`
    months of removal, the removal date known), or None when it may."""
    if nonaktif_sejak is None:
        return (
            "Tanggal penonaktifan tidak diketahui: tidak ada di daftar PBI-JK sebelumnya "
            "sebagai peserta aktif."
        )
    if hari_ini > (batas := tambah_bulan(nonaktif_sejak, bulan_maks)):
        return (
            f"Dinonaktifkan sejak {tanggal(nonaktif_sejak)}: lewat {bulan_maks} bulan "
            f"(batas reaktivasi {tanggal(batas)})."
        )
    return None


def reaktivasi_sebelumnya(*, niks: list[str]) -> dict[str, str]:
    """For each NIK already reactivated through an SIKS-NG list: the reason it may not be
    again (DOMAIN.md §7: once per person), naming that list (1 query)."""
    rows = EksporSiksBaris.objects.filter(
        nik__in=niks, jenis=EksporSiks.Jenis.REAKTIVASI
    ).select_related("ekspor")
    return {
        b.nik: (
            f"Sudah pernah direaktivasi (ekspor #{b.ekspor.pk}, {tanggal(b.ekspor.created_at)}); "
            "reaktivasi hanya sekali per orang."
        )
        for b in rows
    }


def _periksa_reaktivasi(calon: list[CalonSiks], sejak: dict[str, Penonaktifan]) -> None:
    pengaturan = dinsos_selectors.pengaturan_semua()
    bulan = int(pengaturan["pbijk_reaktivasi_bulan_maks"])  # DOMAIN.md §7: 6 months
    hari_ini = today()
    sudah = reaktivasi_sebelumnya(niks=[c.temuan.nik for c in calon])
    surat = _surat_faskes([c.temuan.pk for c in calon])
    seen: set[str] = set()
    for c in calon:
        nik = c.temuan.nik
        penonaktifan = sejak.get(nik)
        c.nonaktif_sejak = penonaktifan.sejak if penonaktifan else None
        c.noka = c.temuan.rincian.get("noka") or (penonaktifan.noka if penonaktifan else "")
        waktu = reaktivasi_alasan_waktu(
            nonaktif_sejak=c.nonaktif_sejak, hari_ini=hari_ini, bulan_maks=bulan
        )
        if waktu:
            c.alasan.append(waktu)
        if c.temuan.pk in surat:
            c.surat_faskes = surat[c.temuan.pk]
        else:
            c.alasan.append(SURAT_FASKES_BELUM)
        if nik in sudah:
            c.alasan.append(sudah[nik])
        elif nik in seen:
            c.alasan.append(NIK_GANDA_DI_DAFTAR)
        seen.add(nik)


def _surat_faskes(temuan_ids: list[int]) -> dict[int, str]:
    letters = (
        TemuanRiwayat.objects.filter(
            temuan_id__in=temuan_ids, jenis_bukti=TemuanRiwayat.JenisBukti.SURAT_FASKES
        )
        .exclude(bukti="")
        .order_by("temuan_id", "-created_at")
        .values_list("temuan_id", "catatan")
    )
    result: dict[int, str] = {}
    for temuan_id, catatan in letters:
        result.setdefault(temuan_id, (catatan.splitlines() or [""])[0][:200])
    return result


def ekspor_list(*, user: User) -> QuerySet[EksporSiks]:
    """The user's earlier exports (all of them for an admin), newest first."""
    exports = EksporSiks.objects.select_related("dibuat_oleh")
    if user.role != R.ADMIN:
        exports = exports.filter(dibuat_oleh=user)
    return exports.order_by("-created_at", "-id")
