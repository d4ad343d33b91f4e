"""Reads of proposals: the scoped list and its filters, one proposal's page, the hooks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from dinsos import selectors as dinsos_selectors
from dinsos.bulan import awal_bulan, tambah_bulan
from dinsos.formatting import bulan_tahun
from dinsos.hooks import ItemBeranda, ItemMenu, Panel, json_rows
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from dtsen.access.temuan import scope_temuan
from dtsen.models import DtsenRecord, Snapshot, Temuan
from dtsen.models import Jenis as JenisSnapshot
from kpm.models import Keluarga
from pemutakhiran.access import (
    KANTOR,
    PEMERIKSA,
    PENGUSUL,
    can_buat,
    kelurahan_ids,
    scope_usulan,
)
from pemutakhiran.kalender import Jendela, jendela
from pemutakhiran.models import Bukti, Jenis, Riwayat, Status, Usulan

R = User.Role
PANEL_BARIS = 10
KODE_PANJANG = (2, 5, 8, 13)  # DOMAIN.md §8: provinsi, kab/kota, kecamatan, kelurahan
TAHAP_DIUSULKAN = "diusulkan"
TAHAP_DIVERIFIKASI = "diverifikasi"
TAHAP_DIKIRIM = "dikirim"
TAHAP_TERCERMIN = "tercermin"
TAHAP_PILIHAN = {
    TAHAP_DIUSULKAN: "Diusulkan",
    TAHAP_DIVERIFIKASI: "Diverifikasi dinsos",
    TAHAP_DIKIRIM: "Dikirim ke SIKS-NG",
    TAHAP_TERCERMIN: "Tercermin di DTSEN",
}
TAHAP_DITERIMA_URUT = (TAHAP_DIUSULKAN, TAHAP_DIVERIFIKASI, TAHAP_DIKIRIM, TAHAP_TERCERMIN)
# A figure counts a proposal that reached a step, whatever happened to it after.
Q_TAHAP = {
    TAHAP_DIUSULKAN: Q(diajukan_at__isnull=False),
    TAHAP_DIVERIFIKASI: Q(diverifikasi_at__isnull=False),
    TAHAP_DIKIRIM: Q(batch__isnull=False),
    TAHAP_TERCERMIN: Q(status=Status.DITERIMA),
}
# What a Temuan decision leads to (the "Buat usulan" button on a finding).
JENIS_DARI_KEPUTUSAN: dict[str, str] = {
    Temuan.Keputusan.PERBAIKI_DATA: Jenis.PERBAIKAN_DATA,
    Temuan.Keputusan.USUL_NONAKTIF: Jenis.PENONAKTIFAN,
    Temuan.Keputusan.USULKAN: Jenis.USULAN_BARU,
}


@dataclass(frozen=True)
class UsulanFilter:
    """The list's filters; every field narrows, the defaults narrow nothing."""

    status: str = ""
    jenis: str = ""
    bulan: datetime.date | None = None  # batch month (first day)
    kelurahan_id: int | None = None
    kecamatan_id: int | None = None  # issue 19: a koordinator's rakor report links with it
    hasil: datetime.date | None = None  # the result became known in this month
    tahap: str = ""  # reached this step (TAHAP_PILIHAN): the figures' links
    is_milik_saya: bool = False  # created by the signed-in user
    is_tugas_saya: bool = False  # ground-check assigned to the user, result not yet given
    is_menunggu_keputusan: bool = False  # ground-checked, not yet decided
    is_siap_kirim: datetime.date | None = None  # approved, for a batch up to this month
    is_reaktivasi_tanpa_dtsen: bool = False  # DOMAIN.md §7 follow-up (q_reaktivasi_tanpa_dtsen)
    cari: str = ""  # name, or an exact NIK

    def params(self) -> dict[str, str]:
        values: dict[str, Any] = {
            "status": self.status,
            "jenis": self.jenis,
            "bulan": self.bulan.strftime("%Y-%m") if self.bulan else "",
            "kelurahan": self.kelurahan_id or "",
            "kecamatan": self.kecamatan_id or "",
            "hasil": self.hasil.strftime("%Y-%m") if self.hasil else "",
            "tahap": self.tahap,
            "milik": "saya" if self.is_milik_saya else "",
            "tugas": "saya" if self.is_tugas_saya else "",
            "menunggu": "keputusan" if self.is_menunggu_keputusan else "",
            "siap_kirim": self.is_siap_kirim.strftime("%Y-%m") if self.is_siap_kirim else "",
            "dtsen": "belum" if self.is_reaktivasi_tanpa_dtsen else "",
            "cari": self.cari,
        }
        return {k: str(v) for k, v in values.items() if v}

    def url(self) -> str:
        query = urlencode(self.params())
        base = reverse("pemutakhiran:usulan-list")
        return f"{base}?{query}" if query else base


def q_tugas_lapangan(user: User) -> Q:
    return Q(petugas_lapangan=user, status=Status.CEK_LAPANGAN, hasil_lapangan="")


def q_menunggu_keputusan() -> Q:
    return Q(status=Status.CEK_LAPANGAN) & ~Q(hasil_lapangan="")


def q_siap_kirim(bulan: datetime.date) -> Q:
    return Q(status=Status.DISETUJUI, bulan__lte=bulan, batch__isnull=True)


def reaktivasi_batas_periode(*, hari: datetime.date | None = None) -> int:
    """DOMAIN.md §7: update periods (months, the monthly cycle) a reactivated person has to be
    updated in DTSEN (setting `pbijk_reaktivasi_periode_dtsen`, default 2)."""
    return int(dinsos_selectors.pengaturan_get("pbijk_reaktivasi_periode_dtsen", on=hari))


def q_reaktivasi_tanpa_dtsen(*, hari: datetime.date, periode: int) -> Q:
    """Issue 20 (D7), DOMAIN.md §7: "the person must be updated in DTSEN within the next two
    update periods". A PBI-JK reactivation reflected in a PBI-JK list (status diterima, on
    `tanggal_hasil`) whose `periode` months have passed, while no applied DTSEN snapshot dated
    after the reactivation holds the person's NIK: the office has to follow it up (the
    reactivation may be undone at the next PBI-JK cleaning). Set-based: one EXISTS per row on
    the NIK index of the DTSEN records."""
    tercatat = DtsenRecord.objects.filter(
        nik=OuterRef("nik"),
        snapshot__jenis=JenisSnapshot.DTSEN,
        snapshot__status__in=(Snapshot.Status.DITERAPKAN, Snapshot.Status.RIWAYAT),
        snapshot__tanggal_data__gt=OuterRef("tanggal_hasil"),
    )
    return Q(
        jenis=Jenis.REAKTIVASI_PBIJK,
        status=Status.DITERIMA,
        tanggal_hasil__lte=tambah_bulan(hari, -periode),
    ) & ~Q(Exists(tercatat))


def usulan_list(*, user: User, filters: UsulanFilter) -> QuerySet[Usulan]:
    """Proposals `user` may see, narrowed by `filters`, newest first."""
    qs = scope_usulan(user, Usulan.objects.all())
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.jenis:
        qs = qs.filter(jenis=filters.jenis)
    if filters.bulan:
        qs = qs.filter(bulan=filters.bulan)
    if filters.kelurahan_id:
        qs = qs.filter(kelurahan_id=filters.kelurahan_id)
    if filters.kecamatan_id:
        qs = qs.filter(kecamatan_id=filters.kecamatan_id)
    if filters.hasil:
        qs = qs.filter(
            tanggal_hasil__gte=filters.hasil, tanggal_hasil__lt=awal_bulan(filters.hasil, geser=1)
        )
    if filters.tahap in Q_TAHAP:
        qs = qs.filter(Q_TAHAP[filters.tahap])
    if filters.is_milik_saya:
        qs = qs.filter(dibuat_oleh=user)
    if filters.is_tugas_saya:
        qs = qs.filter(q_tugas_lapangan(user))
    if filters.is_menunggu_keputusan:
        qs = qs.filter(q_menunggu_keputusan())
    if filters.is_siap_kirim:
        qs = qs.filter(q_siap_kirim(filters.is_siap_kirim))
    if filters.is_reaktivasi_tanpa_dtsen:
        hari = today()
        qs = qs.filter(
            q_reaktivasi_tanpa_dtsen(hari=hari, periode=reaktivasi_batas_periode(hari=hari))
        )
    if cari := filters.cari.strip():
        qs = qs.filter(Q(nik=cari) | Q(nama__icontains=cari))
    return qs.select_related("kelurahan").order_by("-created_at", "-id")


def usulan_terlihat(*, user: User, usulan_id: int) -> Usulan | None:
    """The proposal if `user` may see it, else None (the duplicate guard names it)."""
    return scope_usulan(user, Usulan.objects.filter(pk=usulan_id)).first()


def kelurahan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """The current kelurahan `user` may propose for (and filter by)."""
    qs = Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN, berlaku_sampai__isnull=True)
    if user.role != R.ADMIN:
        qs = qs.filter(pk__in=kelurahan_ids(user))
    return qs.select_related("parent").order_by("nama")


def petugas_pilihan(*, usulan: Usulan) -> QuerySet[User]:
    """Pendamping and TKSK whose areas cover the proposal's kelurahan (ground-check)."""
    kode = usulan.kelurahan.kode  # 18.72.01.1001: the area and every level above it
    covering = Wilayah.objects.filter(kode__in=[kode[:n] for n in KODE_PANJANG])
    return (
        User.objects.filter(role=R.PENDAMPING, is_active=True, wilayah__in=covering)
        .distinct()
        .order_by("first_name", "username")
    )


def riwayat_list(*, usulan: Usulan) -> list[Riwayat]:
    return list(usulan.riwayat.select_related("oleh").order_by("created_at", "id"))


def bukti_list(*, usulan: Usulan) -> list[Bukti]:
    return list(usulan.bukti.order_by("created_at", "id"))


def temuan_untuk_usulan(*, user: User, temuan_id: int) -> Temuan | None:
    """The finding a proposal is made from, if `user` may see it (else None: a hidden
    finding is treated as no finding, and nothing about it is shown)."""
    related = Temuan.objects.select_related("kelurahan", "keluarga", "anggota")
    return scope_temuan(user, related).filter(pk=temuan_id).first()


# --- Hooks -------------------------------------------------------------------------------
def beranda_items(*, user: User) -> list[ItemBeranda]:
    """What is due in this month's window (`beranda` hook): the window itself, the user's
    drafts not yet submitted, ground-checks assigned to them, and for the office what waits
    for verification, a decision or the batch. Each count is the row count of its link (same
    selector and filters; 1 query plus the settings)."""
    if user.role not in PENGUSUL:
        return []
    w = jendela(today())
    milik = UsulanFilter(status=Status.DRAF, is_milik_saya=True)
    tugas = UsulanFilter(is_tugas_saya=True)
    verifikasi = UsulanFilter(status=Status.DIAJUKAN)
    keputusan = UsulanFilter(is_menunggu_keputusan=True)
    kirim = UsulanFilter(is_siap_kirim=w.bulan)
    reaktivasi = UsulanFilter(is_reaktivasi_tanpa_dtsen=True)
    periode = reaktivasi_batas_periode()
    base = usulan_list(user=user, filters=UsulanFilter())
    counts = base.aggregate(
        draf=Count("pk", filter=Q(status=Status.DRAF, dibuat_oleh=user)),
        tugas=Count("pk", filter=q_tugas_lapangan(user)),
        verifikasi=Count("pk", filter=Q(status=Status.DIAJUKAN)),
        keputusan=Count("pk", filter=q_menunggu_keputusan()),
        kirim=Count("pk", filter=q_siap_kirim(w.bulan)),
        reaktivasi=Count("pk", filter=q_reaktivasi_tanpa_dtsen(hari=today(), periode=periode)),
    )
    items = [
        ItemBeranda(
            "Kalender pemutakhiran DTSEN",
            None,
            UsulanFilter().url(),
            "peringatan" if w.is_siks_terbuka and w.sisa_hari <= 3 else "info",
            keterangan=f"{w.label}. {w.label_musdes}.",
        )
    ]
    tingkat = "peringatan" if w.is_siks_terbuka else "info"
    if counts["draf"]:
        items.append(
            ItemBeranda("Usulan draf belum diajukan", counts["draf"], milik.url(), tingkat)
        )
    if counts["tugas"]:
        items.append(ItemBeranda("Usulan untuk cek lapangan", counts["tugas"], tugas.url()))
    if user.role in PEMERIKSA:
        if counts["verifikasi"]:
            items.append(
                ItemBeranda(
                    "Usulan menunggu verifikasi dinsos", counts["verifikasi"], verifikasi.url()
                )
            )
        if counts["keputusan"]:
            items.append(
                ItemBeranda("Usulan menunggu keputusan", counts["keputusan"], keputusan.url())
            )
        if counts["reaktivasi"]:
            items.append(
                ItemBeranda(
                    "Reaktivasi PBI-JK belum dimutakhirkan di DTSEN",
                    counts["reaktivasi"],
                    reaktivasi.url(),
                    "bahaya",
                    keterangan=(
                        f"Lewat {periode} periode pemutakhiran sejak aktif kembali, belum ada di "
                        "snapshot DTSEN sesudahnya (DOMAIN.md §7)."
                    ),
                )
            )
        if counts["kirim"]:
            items.append(
                ItemBeranda(
                    f"Usulan siap dikirim ({bulan_tahun(w.bulan)})",
                    counts["kirim"],
                    kirim.url(),
                    tingkat,
                )
            )
    return items


def menu_items() -> list[ItemMenu]:
    """The app's navigation entries (`menu` hook)."""
    return [
        ItemMenu("Data DTSEN", "Usulan pemutakhiran", "pemutakhiran:usulan-list", PENGUSUL),
        ItemMenu("Data DTSEN", "Kiriman SIKS-NG bulanan", "pemutakhiran:batch-list", PEMERIKSA),
        ItemMenu("Laporan", "Rekap pemutakhiran", "pemutakhiran:rekap", KANTOR),
    ]


def temuan_panel(*, temuan: Temuan, user: User) -> Panel:
    """The finding page's "Usulan pemutakhiran" section: proposals made from it that `user`
    may see, and the "Buat usulan" button prefilled from the finding (`panel_temuan`)."""
    rows = scope_usulan(user, Usulan.objects.filter(temuan=temuan)).order_by("-id")
    jenis = JENIS_DARI_KEPUTUSAN.get(temuan.keputusan, Jenis.PERBAIKAN_DATA)
    alasan = "ganda" if jenis == Jenis.PENONAKTIFAN else ""
    query = urlencode({"temuan": str(temuan.pk), "jenis": jenis, "alasan": alasan})
    context = {
        "usulan_list": list(rows[:PANEL_BARIS]),
        "buat_url": f"{reverse('pemutakhiran:usulan-create')}?{query}"
        if can_buat(user) and temuan.is_terbuka and (temuan.nik or temuan.anggota_id)
        else "",
    }
    return Panel(judul="Usulan pemutakhiran", template="pemutakhiran/_panel.html", context=context)


def keluarga_panel(*, keluarga: Keluarga, user: User) -> Panel:
    """The family page's "Usulan pemutakhiran" section (`panel_keluarga`; 1 query)."""
    rows = scope_usulan(user, Usulan.objects.filter(keluarga=keluarga)).order_by("-id")
    context = {"usulan_list": list(rows[:PANEL_BARIS]), "buat_url": ""}
    return Panel(judul="Usulan pemutakhiran", template="pemutakhiran/_panel.html", context=context)


def data_subjek(*, anggota: Any) -> dict[str, Any]:
    """The proposals about the person, by their member record or NIK (`data_subjek` hook,
    UU 27/2022)."""
    rows = Usulan.objects.filter(Q(anggota=anggota) | Q(nik=anggota.nik)).values(
        "jenis",
        "status",
        "bulan",
        "nik",
        "no_kk",
        "nama",
        "tanggal_lahir",
        "alamat",
        "alasan_nonaktif",
        "data_diperbaiki",
        "nilai_lama",
        "nilai_baru",
        "keterangan",
        "hasil_lapangan",
        "catatan_lapangan",
        "alasan_tolak",
        "desil_hasil",
        "created_at",
    )
    return {"usulan_pemutakhiran": json_rows(rows.order_by("created_at", "id"))}


def jendela_hari_ini() -> Jendela:
    return jendela(today())
