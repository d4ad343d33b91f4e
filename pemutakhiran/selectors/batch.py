"""Reads behind the monthly SIKS-NG batch: the approved proposals of a month and kind,
checked against DOMAIN.md's rules before they leave (failing rows are held back with their
reasons), and the frozen batches."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from dinsos import selectors as dinsos_selectors
from dinsos.identity import nik_problem, no_kk_problem
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dtsen.models import DtsenRecord
from dtsen.models import Jenis as JenisSnapshot
from dtsen.selectors.siks import (
    NIK_GANDA_DI_DAFTAR,
    SURAT_FASKES_BELUM,
    pbijk_penonaktifan,
    reaktivasi_alasan_waktu,
    reaktivasi_sebelumnya,
)
from dtsen.selectors.snapshot import snapshot_aktif_ids
from pemutakhiran.access import scope_usulan
from pemutakhiran.models import BatchSiks, Bukti, Jenis, Status, Usulan

D = Usulan.DataDiperbaiki
SUDAH_DI_DTSEN = (
    "Sudah ada di DTSEN aktif: ajukan perbaikan data atau sanggahan, bukan usulan baru."
)
TIDAK_DI_DTSEN = "Tidak ada di DTSEN aktif: tidak ada data yang dinonaktifkan."
TERKIRIM_ATAU_DITERIMA = (Status.DIKIRIM, Status.BELUM_TERCERMIN, Status.DITERIMA)


@dataclass
class CalonKiriman:
    """An approved proposal on its way to a batch, with why it may not go (if so)."""

    usulan: Usulan
    alasan: list[str] = field(default_factory=list)
    nonaktif_sejak: datetime.date | None = None

    @property
    def is_lolos(self) -> bool:
        return not self.alasan


@dataclass
class PeriksaBatch:
    bulan: datetime.date
    jenis: str
    lolos: list[CalonKiriman]
    ditahan: list[CalonKiriman]

    @property
    def label(self) -> str:
        return Jenis(self.jenis).label


def calon_kiriman(*, user: User, bulan: datetime.date, jenis: str) -> list[Usulan]:
    """Approved proposals of `jenis` for the batch of `bulan` (or an earlier month they
    missed), not yet sent, in the sheet's order."""
    return list(
        scope_usulan(user, Usulan.objects.all())
        .filter(jenis=jenis, status=Status.DISETUJUI, bulan__lte=bulan, batch__isnull=True)
        .select_related("kelurahan", "kecamatan", "keluarga")
        .order_by("kecamatan__nama", "kelurahan__nama", "nama", "id")
    )


def nik_di_dtsen_aktif(niks: list[str]) -> set[str]:
    """The NIKs present in an applied (active) DTSEN snapshot (2 queries: the snapshots'
    ids first, so that only their partitions are read, dtsen.selectors.snapshot_aktif_ids)."""
    aktif = snapshot_aktif_ids(jenis=JenisSnapshot.DTSEN)
    return set(
        DtsenRecord.objects.filter(snapshot_id__in=aktif, nik__in=niks).values_list(
            "nik", flat=True
        )
    )


def _periksa_identitas(c: CalonKiriman) -> None:
    u = c.usulan
    if problem := nik_problem(u.nik):
        c.alasan.append(f"NIK: {problem}.")
    if u.no_kk and (problem := no_kk_problem(u.no_kk)):
        c.alasan.append(f"No KK: {problem}.")
    if u.jenis != Jenis.PERBAIKAN_DATA:
        return
    checks = {D.NIK: ("NIK", nik_problem), D.NO_KK: ("No KK", no_kk_problem)}
    if u.data_diperbaiki in checks:
        label, check = checks[D(u.data_diperbaiki)]
        if problem := check(u.nilai_baru):
            c.alasan.append(f"{label} yang benar: {problem}.")


def _kabupaten_ids(rows: list[Usulan]) -> list[int]:
    kode = {u.kelurahan.kode[:5] for u in rows}  # DOMAIN.md §8: 18.72 = kab/kota
    return list(
        Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KABUPATEN_KOTA, kode__in=kode).values_list(
            "pk", flat=True
        )
    )


def _periksa_reaktivasi(calon: list[CalonKiriman]) -> None:
    """DOMAIN.md §7, with dtsen's own rule checks: within 6 months of removal, a
    health-facility letter, once per person (an SIKS-NG list from findings, or a batch)."""
    rows = [c.usulan for c in calon]
    niks = [u.nik for u in rows]
    sejak = pbijk_penonaktifan(niks=niks, wilayah_ids=_kabupaten_ids(rows))
    sudah = reaktivasi_sebelumnya(niks=niks)
    terkirim = dict(
        Usulan.objects.filter(
            jenis=Jenis.REAKTIVASI_PBIJK, nik__in=niks, status__in=TERKIRIM_ATAU_DITERIMA
        ).values_list("nik", "bulan")
    )
    ada_surat = set(
        Bukti.objects.filter(usulan__in=rows, jenis=Bukti.Jenis.DOKUMEN).values_list(
            "usulan_id", flat=True
        )
    )
    bulan_maks = int(dinsos_selectors.pengaturan_get("pbijk_reaktivasi_bulan_maks"))
    hari_ini = today()
    for c in calon:
        u = c.usulan
        c.nonaktif_sejak = sejak[u.nik].sejak if u.nik in sejak else None
        waktu = reaktivasi_alasan_waktu(
            nonaktif_sejak=c.nonaktif_sejak, hari_ini=hari_ini, bulan_maks=bulan_maks
        )
        if waktu:
            c.alasan.append(waktu)
        if u.pk not in ada_surat:
            c.alasan.append(SURAT_FASKES_BELUM)
        if u.nik in sudah:
            c.alasan.append(sudah[u.nik])
        elif u.nik in terkirim:
            c.alasan.append(
                f"Sudah pernah diusulkan reaktivasi (kiriman {terkirim[u.nik]:%m/%Y}); "
                "reaktivasi hanya sekali per orang."
            )


def batch_periksa(*, user: User, bulan: datetime.date, jenis: str) -> PeriksaBatch:
    """The approved proposals of one month's batch of `jenis`, each checked against
    DOMAIN.md (§8 identifiers, §7 reactivation, DTSEN membership, one row per NIK)."""
    calon = [CalonKiriman(u) for u in calon_kiriman(user=user, bulan=bulan, jenis=jenis)]
    for c in calon:
        _periksa_identitas(c)
    if jenis in (Jenis.USULAN_BARU, Jenis.PENONAKTIFAN):
        di_dtsen = nik_di_dtsen_aktif([c.usulan.nik for c in calon])
        for c in calon:
            ada = c.usulan.nik in di_dtsen
            if jenis == Jenis.USULAN_BARU and ada:
                c.alasan.append(SUDAH_DI_DTSEN)
            if jenis == Jenis.PENONAKTIFAN and not ada:
                c.alasan.append(TIDAK_DI_DTSEN)
    if jenis == Jenis.REAKTIVASI_PBIJK:
        _periksa_reaktivasi(calon)
    seen: set[str] = set()
    for c in calon:
        if c.usulan.nik in seen:
            c.alasan.append(NIK_GANDA_DI_DAFTAR)
        seen.add(c.usulan.nik)
    return PeriksaBatch(
        bulan=bulan,
        jenis=jenis,
        lolos=[c for c in calon if c.is_lolos],
        ditahan=[c for c in calon if not c.is_lolos],
    )


def batch_list(*, bulan: datetime.date | None = None) -> QuerySet[BatchSiks]:
    """The frozen batches (of one month when given), newest first."""
    qs = BatchSiks.objects.select_related("dibuat_oleh")
    if bulan:
        qs = qs.filter(bulan=bulan)
    return qs.order_by("-bulan", "jenis")


def batch_get(*, bulan: datetime.date, jenis: str) -> BatchSiks | None:
    return BatchSiks.objects.filter(bulan=bulan, jenis=jenis).first()
