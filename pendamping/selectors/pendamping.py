"""Reads of pendamping, their assignments and field records, always scoped through
pendamping.access / kpm.access."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dinsos import selectors as dinsos_selectors
from dinsos.access import scope_kelurahan_ids
from dinsos.hooks import Panel, json_rows
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.access import scope_keluarga
from kpm.models import Keluarga, RiwayatPerubahan
from pendamping.access import (
    can_manage_penugasan,
    can_record_layanan,
    scope_kasus,
    scope_kunjungan,
    scope_pendamping,
    scope_rujukan,
    scope_skor,
)
from pendamping.models import (
    Kasus,
    KlienPmks,
    Kunjungan,
    Pendamping,
    Penugasan,
    Rujukan,
    SkorKepuasan,
)
from pendamping.periode import Periode
from pendamping.selectors.indikator import STATUS_DIDAMPINGI
from pendamping.selectors.kinerja import SKOR_DIHITUNG
from pendamping.selectors.psks import rujukan_batas_kirim, rujukan_dengan_tenggat


# --- Pendamping ------------------------------------------------------------------
@dataclass(frozen=True)
class PendampingFilter:
    q: str = ""
    jenis: str = ""
    is_aktif: bool = True
    is_melebihi: bool = False  # only those over their caseload ceiling


def _jumlah_keluarga() -> Coalesce:
    """The families a worker currently serves, counted per worker from the index
    (pendamping, status) alone: at 400 pendamping / 100.000 families a GROUP BY over the
    joined families read every family row (issue 21: Beranda line 67 → 13 ms)."""
    per_pendamping = (
        Keluarga.objects.filter(pendamping_id=OuterRef("user_id"), status__in=STATUS_DIDAMPINGI)
        .order_by()
        .values("pendamping_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(per_pendamping), Value(0), output_field=IntegerField())


def pendamping_list(
    *, user: User, filters: PendampingFilter, on: datetime.date | None = None
) -> QuerySet[Pendamping]:
    """Workers the user may see, each with their current caseload against the ceiling.

    One annotate counts the families currently assigned (still served); the ceiling (DOMAIN.md
    §11: 350, 150 in hard-to-reach areas) comes from the settings in force `on`, unless the
    worker's kind sets its own (`JenisPsks.batas_beban`, issue 20).
    """
    pengaturan = dinsos_selectors.pengaturan_semua(on=on)
    qs = scope_pendamping(user, Pendamping.objects.all())
    if filters.q:
        qs = qs.filter(Q(nama__icontains=filters.q) | Q(user__username__icontains=filters.q))
    if filters.jenis:
        qs = qs.filter(jenis__kode=filters.jenis)  # the code is the column: no join
    if filters.is_aktif:
        qs = qs.filter(Q(selesai__isnull=True) | Q(selesai__gte=on or today()))
    qs = (
        qs.select_related("user", "jenis")
        .prefetch_related("wilayah")
        .annotate(
            jumlah_keluarga=_jumlah_keluarga(),
            batas=Case(
                When(
                    is_wilayah_sulit=True,
                    then=Value(pengaturan["pendamping_batas_keluarga_sulit"]),
                ),
                default=Coalesce(
                    F("jenis__batas_beban"),
                    Value(pengaturan["pendamping_batas_keluarga"]),
                    output_field=IntegerField(),
                ),
            ),
        )
        .annotate(
            is_melebihi=ExpressionWrapper(
                Q(jumlah_keluarga__gt=F("batas")), output_field=BooleanField()
            )
        )
    )
    if filters.is_melebihi:
        qs = qs.filter(is_melebihi=True)
    return qs.order_by("nama", "pk")


def pendamping_pilihan(*, user: User) -> QuerySet[Pendamping]:
    """Workers with a login whom families may be assigned to, within the user's scope."""
    return (
        scope_pendamping(user, Pendamping.objects.all())
        .filter(user__isnull=False, user__is_active=True, selesai__isnull=True)
        .select_related("user")
        .annotate(jumlah_keluarga=_jumlah_keluarga())
        .order_by("nama", "pk")
    )


def pendamping_filter_pilihan(*, user: User) -> list[Pendamping]:
    """Workers the user may filter record lists by (pendamping: only themselves)."""
    return list(scope_pendamping(user, Pendamping.objects.all()).order_by("nama", "pk"))


# --- Assignment page ---------------------------------------------------------------
@dataclass(frozen=True)
class PenugasanFilter:
    dari: int | None = None  # current pendamping (User id); None = any
    tanpa_pendamping: bool = False
    kelurahan: int | None = None


def keluarga_untuk_penugasan(
    *, user: User, filters: PenugasanFilter, is_narrowed: bool
) -> QuerySet[Keluarga]:
    """Families the user may move, narrowed by current pendamping and kelurahan (none until
    narrowed: moving every family of an area at once is never what an officer means)."""
    qs = scope_keluarga(user, Keluarga.objects.all())
    if not is_narrowed:
        return qs.none()
    if filters.tanpa_pendamping:
        qs = qs.filter(pendamping__isnull=True)
    elif filters.dari:
        qs = qs.filter(pendamping_id=filters.dari)
    if filters.kelurahan:
        qs = qs.filter(kelurahan_id=filters.kelurahan)
    return qs.select_related("pengurus", "kelurahan", "pendamping").order_by(
        "kelurahan__nama", "no_kk"
    )


def kelurahan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Current kelurahan the user may see."""
    return (
        Wilayah.objects.filter(pk__in=scope_kelurahan_ids(user), berlaku_sampai__isnull=True)
        .select_related("parent")
        .order_by("nama")
    )


# --- Field records -------------------------------------------------------------------
@dataclass(frozen=True)
class CatatanFilter:
    """Filters shared by the record lists; a period applies to each list's own date."""

    pendamping: int | None = None
    keluarga: int | None = None
    tahun: int | None = None
    bulan: int | None = None
    status: str = ""
    kategori: str = ""
    menurut: str = ""  # kasus: "ditangani" filters the period on the handled date
    klien: int | None = None  # a PMKS client's records (issue 20)
    is_terlambat: bool = False  # rujukan: only those unanswered past the setting

    @property
    def periode(self) -> Periode | None:
        return Periode(self.tahun, self.bulan) if self.tahun else None


def _common(qs: QuerySet[Any], filters: CatatanFilter, date_field: str) -> QuerySet[Any]:
    if filters.pendamping:
        qs = qs.filter(pendamping_id=filters.pendamping)
    if filters.keluarga:
        qs = qs.filter(keluarga_id=filters.keluarga)
    if (periode := filters.periode) is not None:
        qs = qs.filter(**{f"{date_field}__range": (periode.awal, periode.akhir)})
    return qs.select_related("keluarga__pengurus", "keluarga__kelurahan", "pendamping")


def _common_subjek(qs: QuerySet[Any], filters: CatatanFilter, date_field: str) -> QuerySet[Any]:
    """`_common` for records that may be of a PMKS client instead of a family."""
    if filters.klien:
        qs = qs.filter(klien_id=filters.klien)
    return _common(qs, filters, date_field).select_related("klien__kelurahan")


def kasus_list(*, user: User, filters: CatatanFilter) -> QuerySet[Kasus]:
    """Cases of the families the user may see, newest report first."""
    date_field = "tanggal_ditangani" if filters.menurut == "ditangani" else "tanggal_lapor"
    qs = _common_subjek(scope_kasus(user, Kasus.objects.all()), filters, date_field)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kategori:
        qs = qs.filter(kategori=filters.kategori)
    return qs.order_by("-tanggal_lapor", "-pk")


def rujukan_list(*, user: User, filters: CatatanFilter) -> QuerySet[Rujukan]:
    """Referrals of the families and clients the user may see, newest first, each with
    `is_terlambat` (no answer past the setting `rujukan_jawaban_batas_hari`)."""
    qs = _common_subjek(scope_rujukan(user, Rujukan.objects.all()), filters, "tanggal_kirim")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.is_terlambat:
        qs = qs.filter(status=Rujukan.Status.DIKIRIM, tanggal_kirim__lt=rujukan_batas_kirim())
    return rujukan_dengan_tenggat(qs).order_by("-tanggal_kirim", "-pk")


def kunjungan_list(*, user: User, filters: CatatanFilter) -> QuerySet[Kunjungan]:
    """Visits and verifications of the families the user may see, newest first."""
    qs = _common_subjek(scope_kunjungan(user, Kunjungan.objects.all()), filters, "tanggal")
    return qs.order_by("-tanggal", "-pk")


SKOR_TIDAK_DIHITUNG = "tidak_dihitung"
SKOR_STATUS_PILIHAN = [
    (SKOR_DIHITUNG, "Dihitung dalam indikator"),
    (SKOR_TIDAK_DIHITUNG, "Tidak dihitung (dicatat pendamping sendiri)"),
]


def skor_list(*, user: User, filters: CatatanFilter) -> QuerySet[SkorKepuasan]:
    """Satisfaction scores of the families the user may see, newest first, each with
    `is_dihitung`: false for a score the family's own pendamping entered (issue 20, D10)."""
    qs = _common(scope_skor(user, SkorKepuasan.objects.all()), filters, "tanggal")
    sendiri = Q(dicatat_oleh_id=F("pendamping__user_id"))
    if filters.status == SKOR_DIHITUNG:
        qs = qs.exclude(sendiri)
    elif filters.status == SKOR_TIDAK_DIHITUNG:
        qs = qs.filter(sendiri)
    return qs.annotate(
        is_dihitung=ExpressionWrapper(~sendiri, output_field=BooleanField())
    ).order_by("-tanggal", "-pk")


def perubahan_list(*, user: User, filters: CatatanFilter) -> QuerySet[RiwayatPerubahan]:
    """Data updates (kpm edit history) made by a pendamping's account, on families the user
    may see: the records behind RHK 5."""
    qs = RiwayatPerubahan.objects.filter(keluarga__in=scope_keluarga(user, Keluarga.objects.all()))
    if filters.pendamping:
        qs = qs.filter(oleh__profil_pendamping__pk=filters.pendamping)
    if (periode := filters.periode) is not None:
        qs = qs.filter(created_at__gte=periode.awal_waktu, created_at__lt=periode.akhir_waktu)
    return qs.select_related("keluarga__pengurus", "oleh").order_by("-created_at", "-pk")


def keluarga_pilihan(*, user: User) -> QuerySet[Keluarga]:
    """Families the user may record field work for (a pendamping: their own)."""
    return (
        scope_keluarga(user, Keluarga.objects.filter(status__in=STATUS_DIDAMPINGI))
        .select_related("pengurus", "kelurahan")
        .order_by("pengurus__nama", "pk")
    )


def kasus_terbuka_keluarga(*, keluarga: Keluarga) -> QuerySet[Kasus]:
    """A family's cases a referral may be linked to."""
    return keluarga.kasus.order_by("-tanggal_lapor", "-pk")


# --- Extension points used by other apps ---------------------------------------------
def kontak_kunjungan(start: datetime.date, end: datetime.date) -> QuerySet[Kunjungan]:
    """Contacts for cakupan layanan: recorded visits and verifications (settings
    PENDAMPING_SUMBER_KONTAK)."""
    return Kunjungan.objects.filter(tanggal__range=(start, end))


PANEL_ROWS = 5


def keluarga_panel(*, keluarga: Keluarga, user: User) -> Panel:
    """The family page's "Pendampingan" section (settings.KPM_KELUARGA_PANELS): current
    pendamping, who had the family when, and the latest field records (5 queries). The
    caller already checked access to the family."""
    pendamping = (
        Pendamping.objects.filter(user_id=keluarga.pendamping_id).select_related("jenis").first()
        if keluarga.pendamping_id
        else None
    )
    riwayat = keluarga.penugasan.select_related("pendamping").order_by("-mulai", "-id")
    context = {
        "pendamping": pendamping,
        "riwayat": list(riwayat[:PANEL_ROWS]),
        "kasus": list(keluarga.kasus.order_by("-tanggal_lapor", "-pk")[:PANEL_ROWS]),
        "rujukan": list(keluarga.rujukan.order_by("-tanggal_kirim", "-pk")[:PANEL_ROWS]),
        "kunjungan": list(keluarga.kunjungan.order_by("-tanggal", "-pk")[:PANEL_ROWS]),
        "can_record": can_record_layanan(user),
        "can_assign": can_manage_penugasan(user),
        "keluarga_id": keluarga.pk,
    }
    return Panel(judul="Pendampingan", template="pendamping/_keluarga_panel.html", context=context)


def pendamping_milik(*, user: User) -> Pendamping | None:
    """The profile linked to a pendamping's own account, if any."""
    return Pendamping.objects.filter(user=user).first()


def pendamping_wilayah(*, pendamping: Pendamping) -> list[Wilayah]:
    """A worker's areas of duty, with their kecamatan."""
    return list(pendamping.wilayah.select_related("parent").order_by("kode"))


def keluarga_ids(keluarga: QuerySet[Keluarga]) -> list[int]:
    """The ids of an already scoped family queryset."""
    return list(keluarga.values_list("pk", flat=True))


def rujukan_kasus(*, kasus: Kasus) -> list[Rujukan]:
    """Referrals made for a case (the caller checked access to the case)."""
    return list(kasus.rujukan.order_by("-tanggal_kirim", "-pk"))


def data_subjek(*, anggota: Any) -> dict[str, Any]:
    """The person's family's field records (`data_subjek` hook, UU 27/2022): who
    accompanied the family when, cases, referrals, visits and satisfaction scores; and, when
    the same NIK is registered as a PMKS client (issue 20), that client's data and records."""
    keluarga_id = anggota.keluarga_id
    klien = KlienPmks.objects.filter(nik=anggota.nik).exclude(nik="")
    return {
        "klien_pmks": json_rows(
            klien.values(
                "nama",
                "jenis_kelamin",
                "tanggal_lahir",
                "alamat",
                "keterangan",
                kategori_nama=F("kategori__nama"),
                kelurahan_nama=F("kelurahan__nama"),
            )
        ),
        "kasus_klien_pmks": json_rows(
            Kasus.objects.filter(klien__in=klien).values(
                "tanggal_lapor", "kategori", "deskripsi", "status", "tindakan"
            )
        ),
        "rujukan_klien_pmks": json_rows(
            Rujukan.objects.filter(klien__in=klien).values(
                "tanggal_kirim", "tujuan", "tujuan_lain", "keperluan", "status", "hasil"
            )
        ),
        "kunjungan_klien_pmks": json_rows(
            Kunjungan.objects.filter(klien__in=klien).values("tanggal", "jenis", "catatan")
        ),
        "penugasan_pendamping": json_rows(
            Penugasan.objects.filter(keluarga_id=keluarga_id).values(
                "mulai", "selesai", pendamping_nama=F("pendamping__profil_pendamping__nama")
            )
        ),
        "kasus": json_rows(
            Kasus.objects.filter(keluarga_id=keluarga_id).values(
                "tanggal_lapor", "kategori", "deskripsi", "status", "tindakan"
            )
        ),
        "rujukan": json_rows(
            Rujukan.objects.filter(keluarga_id=keluarga_id).values(
                "tanggal_kirim", "tujuan", "tujuan_lain", "keperluan", "status", "hasil"
            )
        ),
        "kunjungan": json_rows(
            Kunjungan.objects.filter(keluarga_id=keluarga_id).values("tanggal", "jenis", "catatan")
        ),
        "skor_kepuasan": json_rows(
            SkorKepuasan.objects.filter(keluarga_id=keluarga_id).values(
                "tanggal", "skor", "catatan"
            )
        ),
    }
