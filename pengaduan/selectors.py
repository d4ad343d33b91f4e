"""Reads of complaints, always scoped by `pengaduan.access.scope_pengaduan`.

One filter (`PengaduanFilter`) serves the list, the Beranda items and the monthly figures, so
a count on the Beranda or in the figures is exactly the number of rows its link opens.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from dinsos.access import scope_kelurahan_ids, scope_wilayah
from dinsos.bulan import akhir_bulan, awal_bulan
from dinsos.hooks import ItemBeranda, ItemMenu, Panel, json_rows
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dinsos.selectors import pengaturan_get
from dtsen.access.temuan import scope_temuan
from dtsen.models import Temuan
from kpm.access import scope_anggota
from kpm.models import Anggota, Keluarga
from pengaduan.access import KANTOR, scope_pengaduan
from pengaduan.models import HariLibur, Lampiran, Pengaduan, Riwayat
from pengaduan.tenggat import Kalender

R = User.Role
PANEL_ROWS = 10
BULAN_MUNDUR = 24  # months offered in the figures' month picker

TENGGAT_LEWAT = "lewat"
TENGGAT_HAMPIR = "hampir"
TENGGAT_PILIHAN = {TENGGAT_LEWAT: "Lewat tenggat", TENGGAT_HAMPIR: "Hampir jatuh tempo"}


@dataclass(frozen=True)
class PengaduanFilter:
    """The list's filters; every field narrows, the defaults narrow nothing."""

    status: str = ""
    kategori: str = ""
    kanal: str = ""
    kecamatan_id: int | None = None
    bulan: datetime.date | None = None  # received in this month (first day)
    tenggat: str = ""  # TENGGAT_LEWAT / TENGGAT_HAMPIR, open complaints only
    is_milik_saya: bool = False  # held by the signed-in user
    is_eskalasi: bool = False  # escalated and still open
    is_dijawab_tepat: bool = False  # first answer on or before its deadline
    is_ditutup: bool = False
    cari: str = ""  # ticket number or complainant name

    def params(self) -> dict[str, str]:
        """The same filter as the list's query string (links from the Beranda, the figures)."""
        values: dict[str, Any] = {
            "status": self.status,
            "kategori": self.kategori,
            "kanal": self.kanal,
            "kecamatan": self.kecamatan_id or "",
            "bulan": self.bulan.strftime("%Y-%m") if self.bulan else "",
            "tenggat": self.tenggat,
            "pegang": "saya" if self.is_milik_saya else "",
            "eskalasi": "1" if self.is_eskalasi else "",
            "tepat": "1" if self.is_dijawab_tepat else "",
            "ditutup": "1" if self.is_ditutup else "",
            "cari": self.cari,
        }
        return {k: str(v) for k, v in values.items() if v}

    def url(self) -> str:
        return f"{reverse('pengaduan:pengaduan-list')}?{urlencode(self.params())}"


def q_terbuka() -> Q:
    return ~Q(status=Pengaduan.Status.DITUTUP)


def q_tenggat(jenis: str, *, hari_ini: datetime.date, batas_hampir: datetime.date) -> Q:
    """Open complaints past (`lewat`) or near (`hampir`: due from today up to `batas_hampir`)
    the deadline that applies now: the first answer's until it is given, then the close's."""
    belum_dijawab = Q(tanggal_jawab__isnull=True)
    if jenis == TENGGAT_LEWAT:
        waktu = (belum_dijawab & Q(tenggat_jawab__lt=hari_ini)) | (
            ~belum_dijawab & Q(tenggat_selesai__lt=hari_ini)
        )
    else:
        waktu = (belum_dijawab & Q(tenggat_jawab__range=(hari_ini, batas_hampir))) | (
            ~belum_dijawab & Q(tenggat_selesai__range=(hari_ini, batas_hampir))
        )
    return q_terbuka() & waktu


def q_dijawab_tepat() -> Q:
    return Q(tanggal_jawab__isnull=False, tanggal_jawab__lte=F("tenggat_jawab"))


def kalender_kerja() -> Kalender:
    """The office calendar with the closing days the office entered (1 query)."""
    return Kalender(libur_kantor=frozenset(HariLibur.objects.values_list("tanggal", flat=True)))


def batas_hampir_tenggat(
    *, hari_ini: datetime.date, kalender: Kalender | None = None
) -> datetime.date:
    """The last due date that counts as "nearly due" today (dated setting, working days)."""
    hari = pengaturan_get("pengaduan_hampir_tenggat_hari", on=hari_ini)
    return (kalender or kalender_kerja()).tambah_hari_kerja(hari_ini, int(hari))


def pengaduan_list(
    *,
    user: User,
    filters: PengaduanFilter,
    hari_ini: datetime.date | None = None,
    batas_hampir: datetime.date | None = None,
) -> QuerySet[Pengaduan]:
    """Complaints `user` may see, narrowed by `filters`, newest first; `batas_hampir` is
    computed when the filter needs it and not given (the Beranda passes it once)."""
    hari_ini = hari_ini or today()
    qs = scope_pengaduan(user, Pengaduan.objects.all())
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kategori:
        qs = qs.filter(kategori=filters.kategori)
    if filters.kanal:
        qs = qs.filter(kanal=filters.kanal)
    if filters.kecamatan_id:
        qs = qs.filter(kecamatan_id=filters.kecamatan_id)
    if filters.bulan:
        qs = qs.filter(tanggal_terima__range=(filters.bulan, akhir_bulan(filters.bulan)))
    if filters.tenggat in TENGGAT_PILIHAN:
        if batas_hampir is None and filters.tenggat == TENGGAT_HAMPIR:
            batas_hampir = batas_hampir_tenggat(hari_ini=hari_ini)
        qs = qs.filter(
            q_tenggat(filters.tenggat, hari_ini=hari_ini, batas_hampir=batas_hampir or hari_ini)
        )
    if filters.is_milik_saya:
        qs = qs.filter(petugas=user)
    if filters.is_eskalasi:
        qs = qs.filter(q_terbuka(), dieskalasi_at__isnull=False)
    if filters.is_dijawab_tepat:
        qs = qs.filter(q_dijawab_tepat())
    if filters.is_ditutup:
        qs = qs.filter(status=Pengaduan.Status.DITUTUP)
    if cari := filters.cari.strip():
        qs = qs.filter(Q(tiket=cari.upper()) | Q(nama__icontains=cari))
    return qs.select_related("kecamatan", "kelurahan", "petugas").order_by("-tanggal_terima", "-id")


def kelurahan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """The kelurahan a complaint registered by `user` may come from."""
    return (
        Wilayah.objects.filter(pk__in=scope_kelurahan_ids(user), berlaku_sampai__isnull=True)
        .select_related("parent")
        .order_by("nama")
    )


def petugas_pilihan(*, user: User) -> QuerySet[User]:
    """Who may hold a complaint registered or moved by `user`: active pendamping, operators
    and koordinator with an area inside the user's. The service checks the kelurahan."""
    areas = scope_wilayah(user).values("pk")
    return (
        User.objects.filter(
            is_active=True,
            role__in=[R.PENDAMPING, R.OPERATOR, R.KOORDINATOR],
            wilayah__in=areas,
        )
        .distinct()
        .order_by("role", "first_name", "username")
    )


def pendamping_pilihan(*, user: User) -> QuerySet[User]:
    """Pendamping a complaint registered by `user` may be about."""
    return petugas_pilihan(user=user).filter(role=R.PENDAMPING)


def anggota_dengan_nik(*, user: User, nik: str) -> Anggota | None:
    """The registry member with this NIK if `user` may see their family (else None: a member
    outside the user's scope is treated as not in the registry, and nothing is revealed)."""
    return (
        scope_anggota(user, Anggota.objects.select_related("keluarga__kelurahan"))
        .filter(nik=nik)
        .first()
    )


def riwayat_list(*, pengaduan: Pengaduan) -> list[Riwayat]:
    return list(pengaduan.riwayat.select_related("oleh").order_by("created_at", "id"))


def lampiran_list(*, pengaduan: Pengaduan) -> list[Lampiran]:
    return list(pengaduan.lampiran.order_by("created_at", "id"))


def temuan_pilihan(*, user: User, pengaduan: Pengaduan) -> QuerySet[Temuan]:
    """Reconciliation findings about the complainant's family or NIK that `user` may see."""
    tentang = Q(pk__in=[])
    if pengaduan.keluarga_id:
        tentang |= Q(keluarga_id=pengaduan.keluarga_id)
    if pengaduan.nik:
        tentang |= Q(nik=pengaduan.nik)
    return scope_temuan(user, Temuan.objects.filter(tentang)).order_by("-id")


# --- Monthly figures ---------------------------------------------------------------------
@dataclass(frozen=True)
class BarisRekap:
    """One row of the monthly figures: complaints received in the month, of them answered
    within the first-answer deadline, and of them closed. Each figure links to its list."""

    label: str
    diterima: int
    dijawab_tepat: int
    ditutup: int
    filters: PengaduanFilter

    @property
    def url_diterima(self) -> str:
        return self.filters.url()

    @property
    def url_dijawab_tepat(self) -> str:
        return replace(self.filters, is_dijawab_tepat=True).url()

    @property
    def url_ditutup(self) -> str:
        return replace(self.filters, is_ditutup=True).url()


@dataclass(frozen=True)
class Rekap:
    bulan: datetime.date
    total: BarisRekap
    per_kategori: list[BarisRekap]
    per_kanal: list[BarisRekap]
    per_kecamatan: list[BarisRekap]


_ANGKA = {
    "diterima": Count("pk"),
    "dijawab_tepat": Count("pk", filter=q_dijawab_tepat()),
    "ditutup": Count("pk", filter=Q(status=Pengaduan.Status.DITUTUP)),
}


def pengaduan_rekap(*, user: User, bulan: datetime.date) -> Rekap:
    """The month's figures by category, channel and kecamatan (3 grouped queries over the
    same scoped list the figures link to); every category and channel appears, even at 0."""
    dasar = PengaduanFilter(bulan=awal_bulan(bulan))
    qs = pengaduan_list(user=user, filters=dasar).order_by()

    def grouped(field: str) -> dict[Any, dict[str, int]]:
        rows = qs.values(field).annotate(**_ANGKA)
        return {r[field]: {k: r[k] for k in _ANGKA} for r in rows}

    nol = dict.fromkeys(_ANGKA, 0)
    kategori = grouped("kategori")
    per_kategori = [
        BarisRekap(label, **kategori.get(value, nol), filters=replace(dasar, kategori=value))
        for value, label in Pengaduan.Kategori.choices
    ]
    kanal = grouped("kanal")
    per_kanal = [
        BarisRekap(label, **kanal.get(value, nol), filters=replace(dasar, kanal=value))
        for value, label in Pengaduan.Kanal.choices
    ]
    kecamatan = grouped("kecamatan_id")
    nama = dict(Wilayah.objects.filter(pk__in=list(kecamatan)).values_list("pk", "nama").order_by())
    per_kecamatan = sorted(
        (
            BarisRekap(nama[pk], **angka, filters=replace(dasar, kecamatan_id=pk))
            for pk, angka in kecamatan.items()
        ),
        key=lambda b: b.label,
    )
    total = BarisRekap(
        "Jumlah",
        **{k: sum(b.__dict__[k] for b in per_kategori) for k in _ANGKA},
        filters=dasar,
    )
    return Rekap(
        bulan=dasar.bulan or bulan,
        total=total,
        per_kategori=per_kategori,
        per_kanal=per_kanal,
        per_kecamatan=per_kecamatan,
    )


def bulan_pilihan(*, hari_ini: datetime.date | None = None) -> list[datetime.date]:
    """First days of the months offered by the figures' picker, newest first."""
    awal = awal_bulan(hari_ini or today())
    return [awal_bulan(awal, geser=-i) for i in range(BULAN_MUNDUR)]


# --- Hooks -------------------------------------------------------------------------------
def beranda_items(*, user: User) -> list[ItemBeranda]:
    """Complaints the user holds that are overdue or nearly due, and for the koordinator the
    escalated ones in their area (`beranda` hook). Counted with the list's own selector and
    filters, so each count is the number of rows its link opens (1 query, +1 for settings
    and the calendar)."""
    hari_ini = today()
    batas = batas_hampir_tenggat(hari_ini=hari_ini)
    milik = PengaduanFilter(is_milik_saya=True)
    lewat = replace(milik, tenggat=TENGGAT_LEWAT)
    hampir = replace(milik, tenggat=TENGGAT_HAMPIR)
    eskalasi = PengaduanFilter(is_eskalasi=True)
    base = pengaduan_list(user=user, filters=PengaduanFilter(), hari_ini=hari_ini)
    counts = base.aggregate(
        lewat=Count(
            "pk",
            filter=Q(petugas=user)
            & q_tenggat(TENGGAT_LEWAT, hari_ini=hari_ini, batas_hampir=batas),
        ),
        hampir=Count(
            "pk",
            filter=Q(petugas=user)
            & q_tenggat(TENGGAT_HAMPIR, hari_ini=hari_ini, batas_hampir=batas),
        ),
        eskalasi=Count("pk", filter=q_terbuka() & Q(dieskalasi_at__isnull=False)),
    )
    items = []
    if counts["lewat"]:
        items.append(ItemBeranda("Pengaduan lewat tenggat", counts["lewat"], lewat.url(), "bahaya"))
    if counts["hampir"]:
        items.append(
            ItemBeranda(
                "Pengaduan hampir jatuh tempo", counts["hampir"], hampir.url(), "peringatan"
            )
        )
    if user.role == R.KOORDINATOR and counts["eskalasi"]:
        items.append(
            ItemBeranda(
                "Pengaduan dieskalasi di wilayah Anda", counts["eskalasi"], eskalasi.url(), "bahaya"
            )
        )
    return items


def menu_items() -> list[ItemMenu]:
    """The app's navigation entries (`menu` hook)."""
    return [
        ItemMenu("Pendampingan", "Pengaduan", "pengaduan:pengaduan-list", frozenset(R)),
        ItemMenu("Laporan", "Rekap pengaduan", "pengaduan:rekap", frozenset(KANTOR)),
    ]


def keluarga_panel(*, keluarga: Keluarga, user: User) -> Panel:
    """The family page's "Pengaduan" section: the family's complaints `user` may see (1
    query; a complaint about `user` is left out like everywhere else)."""
    rows = scope_pengaduan(user, Pengaduan.objects.filter(keluarga=keluarga)).order_by(
        "-tanggal_terima", "-id"
    )
    context = {"pengaduan_list": list(rows[:PANEL_ROWS]), "keluarga_id": keluarga.pk}
    return Panel(judul="Pengaduan", template="pengaduan/_keluarga_panel.html", context=context)


def data_subjek(*, anggota: Any) -> dict[str, Any]:
    """The complaints the person made, by their member record or their NIK (`data_subjek`
    hook, UU 27/2022). Complaints about a pendamping are the pendamping's; not listed here."""
    rows = Pengaduan.objects.filter(Q(anggota=anggota) | Q(nik=anggota.nik)).values(
        "tiket",
        "tanggal_terima",
        "kanal",
        "kategori",
        "deskripsi",
        "nama",
        "telepon",
        "alamat",
        "status",
        "hasil",
        "tanggapan_publik",
        "tanggal_jawab",
        "tanggal_tutup",
    )
    return {"pengaduan": json_rows(rows.order_by("tanggal_terima", "id"))}


def status_publik(*, tiket: str) -> Pengaduan | None:
    """The complaint with this ticket, with only what the public page may show (and the
    phone to check its last digits), or None."""
    return (
        Pengaduan.objects.filter(tiket=tiket)
        .only(
            "tiket",
            "telepon",
            "status",
            "hasil",
            "tanggapan_publik",
            "tanggal_terima",
            "tanggal_jawab",
            "tanggal_tutup",
        )
        .first()
    )
