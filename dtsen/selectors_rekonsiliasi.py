"""Reads of reconciliation runs, findings and SIKS-NG exports, always scoped by the user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_kelurahan_ids, scope_wilayah
from dinsos.formatting import tanggal
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dtsen import grafik
from dtsen.access_temuan import PEMUTUS, scope_rekonsiliasi, scope_temuan
from dtsen.models import (
    EksporSiks,
    EksporSiksBaris,
    Kategori,
    Rekonsiliasi,
    Snapshot,
    Temuan,
    TemuanRiwayat,
)
from dtsen.rincian import Rincian, rincian
from dtsen.services.pencocokan import NONAKTIF_REGEX
from kpm.models import Keluarga
from kpm.selectors import Panel

K = Kategori
R = User.Role
# Categories whose follow-up ends in a proposal (new PBI-JK or reactivation), the others in
# a deactivation (DOMAIN.md §7).
KATEGORI_USULAN = frozenset({K.DTSEN_BELUM_PBIJK, K.KPM_TANPA_PBIJK})
KATEGORI_PBIJK = frozenset({K.PBIJK_TIDAK_DI_DTSEN, K.PBIJK_DESIL_TIDAK_LAYAK, *KATEGORI_USULAN})
TREN_RUN = 12  # finished runs per kind on the trend chart
PANEL_BARIS = 10


# --- Runs ----------------------------------------------------------------------------------
def rekonsiliasi_list(*, user: User) -> QuerySet[Rekonsiliasi]:
    """Runs the user may follow, newest first, with their sources and who started them."""
    return (
        scope_rekonsiliasi(user, Rekonsiliasi.objects.all())
        .select_related("wilayah", "snapshot_dtsen", "snapshot_pbijk", "started_by")
        .order_by("-created_at", "-id")
    )


@dataclass
class BarisKecamatan:
    kecamatan: Wilayah
    jumlah: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.jumlah.values())


def rekonsiliasi_kecamatan(*, run: Rekonsiliasi, user: User) -> list[BarisKecamatan]:
    """A run's counts per kecamatan the user may see (the run stores them per kecamatan id)."""
    kecamatan = scope_wilayah(user).filter(
        pk__in=[int(k) for k in run.jumlah_kecamatan], tingkat=Wilayah.Tingkat.KECAMATAN
    )
    return [BarisKecamatan(k, run.jumlah_kecamatan[str(k.pk)]) for k in kecamatan.order_by("nama")]


def rekonsiliasi_kategori(run: Rekonsiliasi) -> list[tuple[str, int]]:
    """(label, count) per category of a run, in the declared order, zeros left out."""
    return [(k.label, run.jumlah[k.value]) for k in K if run.jumlah.get(k.value)]


def wilayah_rekonsiliasi_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Kabupaten/kota of the user's areas that have an applied snapshot to compare."""
    applied = Snapshot.objects.filter(wilayah=OuterRef("pk"), status=Snapshot.Status.DITERAPKAN)
    return (
        scope_wilayah(user)
        .filter(tingkat=Wilayah.Tingkat.KABUPATEN_KOTA, berlaku_sampai__isnull=True)
        .filter(Exists(applied))
        .order_by("kode")
    )


# --- Findings --------------------------------------------------------------------------------
@dataclass(frozen=True)
class FilterTemuan:
    kategori: str = ""
    kecamatan: Wilayah | None = None
    tahap: str = ""
    pendamping: User | None = None
    tanpa_pendamping: bool = False
    jenis: str = ""
    status: str = "terbuka"  # terbuka | ditutup | semua


def temuan_list(*, user: User, filter: FilterTemuan | None = None) -> QuerySet[Temuan]:
    """Findings the user may see, filtered, with what the list shows (no N+1)."""
    f = filter or FilterTemuan()
    temuan = scope_temuan(user, Temuan.objects.all())
    if f.status == "terbuka":
        temuan = temuan.filter(closed_at__isnull=True)
    elif f.status == "ditutup":
        temuan = temuan.filter(closed_at__isnull=False)
    if f.kategori:
        temuan = temuan.filter(kategori=f.kategori)
    if f.kecamatan is not None:
        temuan = temuan.filter(kecamatan=f.kecamatan)
    if f.tahap:
        temuan = temuan.filter(tahap=f.tahap)
    if f.pendamping is not None:
        temuan = temuan.filter(pendamping=f.pendamping)
    if f.tanpa_pendamping:
        temuan = temuan.filter(pendamping__isnull=True)
    if f.jenis:
        temuan = temuan.filter(jenis=f.jenis)
    return temuan.select_related("kelurahan", "kecamatan", "pendamping").order_by("-id")


def kecamatan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Current kecamatan inside the user's areas (the findings filter)."""
    return (
        scope_wilayah(user)
        .filter(tingkat=Wilayah.Tingkat.KECAMATAN, berlaku_sampai__isnull=True)
        .order_by("nama")
    )


def pendamping_pilihan(*, user: User) -> QuerySet[User]:
    """Pendamping working inside the user's areas (filter and assignment choices)."""
    kelurahan = scope_kelurahan_ids(user)
    return (
        User.objects.filter(role=R.PENDAMPING, is_active=True)
        .filter(
            Exists(
                User.wilayah.through.objects.filter(
                    user_id=OuterRef("pk"), wilayah_id__in=scope_wilayah(user)
                )
            )
            | Exists(Keluarga.objects.filter(pendamping=OuterRef("pk"), kelurahan_id__in=kelurahan))
        )
        .order_by("first_name", "username")
    )


def pendamping_untuk_temuan(*, temuan: Temuan) -> QuerySet[User]:
    """Pendamping whose areas cover the finding's kelurahan (who may be sent to check it)."""
    kode = temuan.kelurahan.kode
    parts = kode.split(".")
    covering = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return (
        User.objects.filter(role=R.PENDAMPING, is_active=True, wilayah__kode__in=covering)
        .distinct()
        .order_by("first_name", "username")
    )


@dataclass
class TemuanDetail:
    temuan: Temuan
    rincian: Rincian
    riwayat: list[TemuanRiwayat]
    keputusan_pilihan: list[tuple[str, str]]
    can_assign: bool
    can_decide: bool
    can_follow_up: bool
    pengganti: Temuan | None = None


def keputusan_pilihan(kategori: str) -> list[tuple[str, str]]:
    """The decisions that make sense for a category (a proposal or a deactivation)."""
    k = Temuan.Keputusan
    first = k.USULKAN if kategori in KATEGORI_USULAN else k.USUL_NONAKTIF
    return [(c.value, c.label) for c in (first, k.TETAP, k.PERBAIKI_DATA)]


def temuan_detail(*, temuan: Temuan, user: User) -> TemuanDetail:
    """Everything a finding's page shows (3 queries)."""
    riwayat = list(temuan.riwayat.select_related("oleh", "pendamping", "rekonsiliasi"))
    pengganti = None
    if not temuan.is_terbuka and temuan.alasan_tutup == Temuan.AlasanTutup.DATA_BERUBAH:
        pengganti = scope_temuan(user, Temuan.objects.filter(sebelumnya=temuan)).first()
    return TemuanDetail(
        temuan=temuan,
        rincian=rincian(temuan.kategori, temuan.rincian),
        riwayat=riwayat,
        keputusan_pilihan=keputusan_pilihan(temuan.kategori),
        can_assign=temuan.is_terbuka and user.role in PEMUTUS,
        can_decide=temuan.is_terbuka and user.role in PEMUTUS and temuan.diekspor_at is None,
        can_follow_up=temuan.is_terbuka and temuan.diekspor_at is None,
        pengganti=pengganti,
    )


def keluarga_panel(*, keluarga: Keluarga, user: User) -> Panel:
    """The family page's "Temuan" section (settings.KPM_KELUARGA_PANELS): the family's open
    findings first, then recent closed ones (1 query). The caller already checked access."""
    temuan = list(
        scope_temuan(user, Temuan.objects.filter(keluarga=keluarga))
        .select_related("pendamping")
        .order_by("closed_at", "-id")[:PANEL_BARIS]
    )
    return Panel(
        judul="Temuan rekonsiliasi",
        template="dtsen/_keluarga_panel.html",
        context={"temuan": temuan},
    )


# --- Summary ---------------------------------------------------------------------------------
@dataclass
class Ringkasan:
    per_kategori: grafik.Grafik
    per_kecamatan: grafik.Grafik
    per_tahap: grafik.Grafik
    tren: grafik.GrafikTren
    total_terbuka: int
    total_ditutup: int


def temuan_ringkasan(*, user: User) -> Ringkasan:
    """The summary page's charts, from 4 aggregate queries inside the user's areas."""
    visible = scope_temuan(user, Temuan.objects.all())
    terbuka = visible.filter(closed_at__isnull=True)
    by_kategori = dict(terbuka.values_list("kategori").annotate(n=Count("id")).order_by())
    by_kecamatan = list(
        terbuka.values_list("kecamatan__nama").annotate(n=Count("id")).order_by("kecamatan__nama")
    )
    tahap = visible.aggregate(
        **{
            t.value: Count("id", filter=Q(tahap=t.value, closed_at__isnull=True))
            for t in Temuan.Tahap
        },
        ditutup=Count("id", filter=Q(closed_at__isnull=False)),
    )
    per_tahap = [(t.label, tahap[t.value]) for t in Temuan.Tahap]
    per_tahap.append(("Ditutup otomatis", tahap["ditutup"]))
    return Ringkasan(
        per_kategori=grafik.batang_horizontal(
            "Temuan terbuka per kategori",
            [(k.label, by_kategori[k.value]) for k in K if by_kategori.get(k.value)],
        ),
        per_kecamatan=grafik.batang_horizontal("Temuan terbuka per kecamatan", by_kecamatan),
        per_tahap=grafik.batang_horizontal(
            "Kemajuan tindak lanjut",
            per_tahap,
            kelas=["tahap-belum", "tahap-verifikasi", "tahap-putus", "tahap-tutup"],
        ),
        tren=_tren(user),
        total_terbuka=sum(by_kategori.values()),
        total_ditutup=tahap["ditutup"],
    )


def _tren(user: User) -> grafik.GrafikTren:
    runs = list(
        scope_rekonsiliasi(user, Rekonsiliasi.objects.filter(status=Rekonsiliasi.Status.SELESAI))
        .order_by("-finished_at", "-id")
        .only("jenis", "finished_at", "jumlah_kecamatan")[: TREN_RUN * len(Rekonsiliasi.Jenis)]
    )
    visible: set[str] | None = None
    if user.role != R.ADMIN:
        visible = {
            str(pk)
            for pk in scope_wilayah(user)
            .filter(tingkat=Wilayah.Tingkat.KECAMATAN)
            .values_list("pk", flat=True)
        }
    seri = []
    for jenis in Rekonsiliasi.Jenis:
        points = []
        for run in reversed([r for r in runs if r.jenis == jenis][:TREN_RUN]):
            total = sum(
                sum(counts.values())
                for kec, counts in run.jumlah_kecamatan.items()
                if visible is None or kec in visible
            )
            points.append((tanggal(run.finished_at.date()) if run.finished_at else "", total))
        seri.append((jenis.label, f"tren-{jenis.value}", points))
    return grafik.tren("Jumlah temuan per rekonsiliasi", seri)


# --- SIKS-NG exports (DOMAIN.md §7) ----------------------------------------------------------
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


def tambah_bulan(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


_RIWAYAT_PBIJK = """
    WITH daftar AS (
        SELECT id, tanggal_data FROM dtsen_snapshot
        WHERE jenis = 'pbijk' AND status IN ('diterapkan', 'riwayat')
          AND wilayah_id = ANY(%(wilayah)s)
    ),
    terakhir AS (
        SELECT DISTINCT ON (r.nik) r.nik, s.tanggal_data AS tanggal, r.noka
        FROM daftar s JOIN dtsen_pbijkrecord r ON r.snapshot_id = s.id
        WHERE r.nik = ANY(%(nik)s) AND r.status_kepesertaan !~ %(nonaktif)s
        ORDER BY r.nik, s.tanggal_data DESC
    )
    SELECT t.nik, (SELECT min(s.tanggal_data) FROM daftar s WHERE s.tanggal_data > t.tanggal),
        t.noka
    FROM terakhir t
"""


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
            _RIWAYAT_PBIJK, {"nik": niks, "wilayah": wilayah_ids, "nonaktif": NONAKTIF_REGEX}
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
            c.alasan.append("NIK yang sama sudah ada di daftar ini.")
        seen.add(c.temuan.nik)


def _periksa_reaktivasi(calon: list[CalonSiks], sejak: dict[str, Penonaktifan]) -> None:
    pengaturan = dinsos_selectors.pengaturan_semua()
    bulan = int(pengaturan["pbijk_reaktivasi_bulan_maks"])  # DOMAIN.md §7: 6 months
    hari_ini = today()
    niks = [c.temuan.nik for c in calon]
    sudah = {
        b.nik: b
        for b in EksporSiksBaris.objects.filter(
            nik__in=niks, jenis=EksporSiks.Jenis.REAKTIVASI
        ).select_related("ekspor")
    }
    surat = _surat_faskes([c.temuan.pk for c in calon])
    seen: set[str] = set()
    for c in calon:
        nik = c.temuan.nik
        penonaktifan = sejak.get(nik)
        c.nonaktif_sejak = penonaktifan.sejak if penonaktifan else None
        c.noka = c.temuan.rincian.get("noka") or (penonaktifan.noka if penonaktifan else "")
        if c.nonaktif_sejak is None:
            c.alasan.append(
                "Tanggal penonaktifan tidak diketahui: tidak ada di daftar PBI-JK sebelumnya "
                "sebagai peserta aktif."
            )
        elif hari_ini > (batas := tambah_bulan(c.nonaktif_sejak, bulan)):
            c.alasan.append(
                f"Dinonaktifkan sejak {tanggal(c.nonaktif_sejak)}: lewat {bulan} bulan "
                f"(batas reaktivasi {tanggal(batas)})."
            )
        if c.temuan.pk in surat:
            c.surat_faskes = surat[c.temuan.pk]
        else:
            c.alasan.append("Belum ada surat keterangan fasilitas kesehatan sebagai bukti.")
        if nik in sudah:
            lama = sudah[nik].ekspor
            c.alasan.append(
                f"Sudah pernah direaktivasi (ekspor #{lama.pk}, {tanggal(lama.created_at)}); "
                "reaktivasi hanya sekali per orang."
            )
        elif nik in seen:
            c.alasan.append("NIK yang sama sudah ada di daftar ini.")
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
