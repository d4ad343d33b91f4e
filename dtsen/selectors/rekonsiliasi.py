"""Reads of reconciliation runs, findings and SIKS-NG exports, always scoped by the user."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from dinsos import charts, hooks
from dinsos.access import scope_kelurahan_ids, scope_wilayah
from dinsos.bulan import awal_bulan, rentang_wib
from dinsos.charts import Entri, Warna
from dinsos.formatting import angka, bulan_tahun, tanggal
from dinsos.hooks import Panel
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dinsos.selectors import pengaturan_semua
from dtsen.access.temuan import PEMUTUS, scope_rekonsiliasi, scope_temuan
from dtsen.models import (
    Kategori,
    PasanganBerlabel,
    Rekonsiliasi,
    Snapshot,
    Temuan,
    TemuanRiwayat,
)
from dtsen.selectors.rincian import Rincian, rincian
from kpm.models import Keluarga

K = Kategori
R = User.Role
# Categories whose follow-up ends in a proposal (new PBI-JK or reactivation), the others in
# a deactivation (DOMAIN.md §7).
KATEGORI_USULAN = frozenset({K.DTSEN_BELUM_PBIJK, K.KPM_TANPA_PBIJK})
KATEGORI_PBIJK = frozenset({K.PBIJK_TIDAK_DI_DTSEN, K.PBIJK_DESIL_TIDAK_LAYAK, *KATEGORI_USULAN})
TREN_RUN = 12  # finished runs per kind on the trend chart
PANEL_BARIS = 10


# --- Runs ----------------------------------------------------------------------------------
def rekonsiliasi_list(*, user: User, dengan_temuan_terbuka: bool = False) -> QuerySet[Rekonsiliasi]:
    """Runs the user may follow, newest first, with their sources and who started them;
    with `dengan_temuan_terbuka`, only runs that last saw a finding still open (one the
    user may see): the latest finished run of a kind and area with an open finding, since a
    run closes every open finding of its kind and area that it does not compute."""
    runs = scope_rekonsiliasi(user, Rekonsiliasi.objects.all())
    if dengan_temuan_terbuka:
        terbuka = scope_temuan(user, Temuan.objects.all()).filter(
            jenis=OuterRef("jenis"), wilayah=OuterRef("wilayah"), closed_at__isnull=True
        )
        lebih_baru = Rekonsiliasi.objects.filter(
            jenis=OuterRef("jenis"),
            wilayah=OuterRef("wilayah"),
            status=Rekonsiliasi.Status.SELESAI,
            finished_at__gt=OuterRef("finished_at"),
        )
        runs = runs.filter(Exists(terbuka), status=Rekonsiliasi.Status.SELESAI).exclude(
            Exists(lebih_baru)
        )
    return runs.select_related(
        "wilayah", "snapshot_dtsen", "snapshot_pbijk", "started_by"
    ).order_by("-created_at", "-id")


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
    dibuka: datetime.date | None = None  # found in this month (office time; issue 19)
    ditutup: datetime.date | None = None  # closed in this month


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
    if f.dibuka is not None:
        mulai, akhir = rentang_wib(f.dibuka)
        temuan = temuan.filter(created_at__gte=mulai, created_at__lt=akhir)
    if f.ditutup is not None:
        mulai, akhir = rentang_wib(f.ditutup)
        temuan = temuan.filter(closed_at__gte=mulai, closed_at__lt=akhir)
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
    is_kecocokan: bool = False  # a probable match: the ground-check says "same person?"
    panels: list[Panel] = field(default_factory=list)  # from the apps above (panel_temuan)


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
        is_kecocokan=temuan.kategori == K.KEMUNGKINAN_COCOK,
        # dtsen cannot import the apps above it (pemutakhiran): they register a provider.
        panels=[
            panel(temuan=temuan, user=user)
            for panel in hooks.registry.providers(hooks.PANEL_TEMUAN)
        ],
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
    per_kategori: charts.Grafik
    per_kecamatan: charts.Grafik
    per_tahap: charts.Grafik
    tren: charts.GrafikGaris
    total_terbuka: int
    total_ditutup: int


_WARNA_TAHAP = {
    Temuan.Tahap.BELUM_DIPERIKSA: Warna.PERINGATAN,
    Temuan.Tahap.DIVERIFIKASI: Warna.INFO,
    Temuan.Tahap.DIPUTUSKAN: Warna.BERHASIL,
}
_WARNA_TREN = {
    Rekonsiliasi.Jenis.KPM_DTSEN: Warna.UTAMA,
    Rekonsiliasi.Jenis.PBIJK_DTSEN: Warna.BAHAYA,
    Rekonsiliasi.Jenis.KPM_PBIJK: Warna.BERHASIL,
}


def _entri(label: str, n: int, warna: Warna | None = None) -> Entri:
    return Entri(label, n, angka(n), f"{label}: {angka(n)}", warna)


def temuan_ringkasan(*, user: User) -> Ringkasan:
    """The summary page's charts inside the user's areas: ONE grouped scan of the findings
    (category × kecamatan × step × open/closed: a few hundred groups at most) folded in Python,
    instead of one aggregate query per chart (issue 21: 300.000 findings)."""
    visible = scope_temuan(user, Temuan.objects.all())
    groups = (
        visible.values_list("kategori", "kecamatan_id", "tahap")
        # Counted on kelurahan (never null), not the id: the scoped scan stays on the index
        # temuan_kelurahan_isi alone (issue 21: operator at 300.000 findings 650 → 90 ms).
        .annotate(
            terbuka=Count("kelurahan", filter=Q(closed_at__isnull=True)),
            semua=Count("kelurahan"),
        )
        .order_by()
    )
    by_kategori: dict[str, int] = defaultdict(int)
    by_kecamatan_id: dict[int | None, int] = defaultdict(int)
    tahap: dict[str, int] = defaultdict(int)
    for kategori, kecamatan_id, langkah, terbuka, semua in groups:
        if terbuka:
            by_kategori[kategori] += terbuka
            by_kecamatan_id[kecamatan_id] += terbuka
            tahap[langkah] += terbuka
        tahap["ditutup"] += semua - terbuka
    nama = dict(
        Wilayah.objects.filter(pk__in=[k for k in by_kecamatan_id if k]).values_list("pk", "nama")
    )
    by_kecamatan = sorted(
        ((nama.get(k, "") if k else "", n) for k, n in by_kecamatan_id.items()), key=lambda r: r[0]
    )
    per_tahap = [(t.label, tahap[t.value], _WARNA_TAHAP[t]) for t in Temuan.Tahap]
    per_tahap.append(("Ditutup otomatis", tahap["ditutup"], Warna.REDUP))
    return Ringkasan(
        per_kategori=charts.batang_mendatar(
            "Temuan terbuka per kategori",
            [_entri(k.label, by_kategori[k.value]) for k in K if by_kategori.get(k.value)],
        ),
        per_kecamatan=charts.batang_mendatar(
            "Temuan terbuka per kecamatan", [_entri(nama, n) for nama, n in by_kecamatan]
        ),
        per_tahap=charts.batang_mendatar(
            "Kemajuan tindak lanjut", [_entri(label, n, warna) for label, n, warna in per_tahap]
        ),
        tren=_tren(user),
        total_terbuka=sum(by_kategori.values()),
        total_ditutup=tahap["ditutup"],
    )


def _tren(user: User) -> charts.GrafikGaris:
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
        seri.append(charts.Deret(jenis.label, _WARNA_TREN[jenis], points))
    return charts.garis(
        "Jumlah temuan per rekonsiliasi", seri, kosong="Belum ada rekonsiliasi yang selesai."
    )


# --- Probable matches: how right each band was in the field (issue #23) -------------------
PRESISI_BULAN = 6


@dataclass(frozen=True)
class SelPresisi:
    dicek: int
    sama: int

    @property
    def presisi(self) -> float | None:
        return self.sama / self.dicek if self.dicek else None


@dataclass
class PresisiKecocokan:
    pita: list[str]  # labels, in band order
    baris: list[tuple[str, list[SelPresisi]]]  # (month, cells per band), newest first
    total: list[SelPresisi]
    ambang: list[tuple[str, float, bool]]  # (band label, minimum score, proposed?)


def kecocokan_presisi(*, user: User, bulan: int = PRESISI_BULAN) -> PresisiKecocokan:
    """Field-checked probable matches inside the user's areas: per month (of the check) and
    band, how many were checked and how many were the same person (2 queries)."""
    mulai = awal_bulan(today(), geser=-(bulan - 1))
    temuan = scope_temuan(user, Temuan.objects.all()).values("pk")
    rows = (
        PasanganBerlabel.objects.filter(temuan__in=temuan, diperiksa_at__date__gte=mulai)
        .annotate(bulan=TruncMonth("diperiksa_at"))
        .values_list("bulan", "pita")
        .annotate(dicek=Count("id"), sama=Count("id", filter=Q(is_sama=True)))
        .order_by()
    )
    sel = {(b.date(), pita): SelPresisi(dicek, sama) for b, pita, dicek, sama in rows}
    pita = PasanganBerlabel.Pita
    months = [awal_bulan(mulai, geser=n) for n in reversed(range(bulan))]
    kosong = SelPresisi(0, 0)
    total = [
        SelPresisi(
            sum(sel.get((m, p), kosong).dicek for m in months),
            sum(sel.get((m, p), kosong).sama for m in months),
        )
        for p in pita
    ]
    pengaturan = pengaturan_semua()
    ambang, usulan = pengaturan["pencocokan_ambang"], pengaturan["pencocokan_pita_usulan"]
    return PresisiKecocokan(
        pita=[p.label for p in pita],
        baris=[(bulan_tahun(m), [sel.get((m, p), kosong) for p in pita]) for m in months],
        total=total,
        ambang=[(p.label, float(ambang[p.value]), p.value in usulan) for p in pita],
    )
