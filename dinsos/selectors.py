"""Reads of the shared core, always scoped by the user."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncHour
from django_otp.plugins.otp_totp.models import TOTPDevice

from dinsos import hooks
from dinsos.access import scope_wilayah
from dinsos.formatting import JAKARTA
from dinsos.http import url_is_open_to
from dinsos.models import AuditEvent, Pengaturan, Persetujuan, User, Wilayah
from dinsos.pengaturan import DEFAULTS, today


def wilayah_list(*, user: User) -> QuerySet[Wilayah]:
    """Current areas the user may see, with their parent and number of children."""
    return (
        scope_wilayah(user)
        .filter(berlaku_sampai__isnull=True)
        .select_related("parent")
        .annotate(jumlah_anak=Count("children"))
        .order_by("kode")
    )


def kecamatan_pilihan(*, user: User) -> QuerySet[Wilayah]:
    """Current kecamatan inside the user's areas: the choices of a list's kecamatan filter
    (dinsos.forms.KecamatanFilterForm)."""
    return (
        scope_wilayah(user)
        .filter(tingkat=Wilayah.Tingkat.KECAMATAN, berlaku_sampai__isnull=True)
        .order_by("nama")
    )


def audit_list(
    *,
    action: str = "",
    username: str = "",
    object_type: str = "",
    dari: datetime.date | None = None,
    sampai: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit log, newest first, optionally filtered (admins only; checked by the view)."""
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if username:
        events = events.filter(username__iexact=username)
    if object_type:
        events = events.filter(object_type=object_type)
    if dari:
        events = events.filter(created_at__gte=_start_of_day(dari))
    if sampai:
        events = events.filter(created_at__lt=_start_of_day(sampai + datetime.timedelta(days=1)))
    return events.order_by("-created_at", "-id")


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=JAKARTA)


def audit_for_objects(*, refs: list[tuple[str, str]]) -> QuerySet[AuditEvent]:
    """Every recorded access to the given (object_type, object_id) pairs: "who accessed this
    family" for breach notices and data-subject requests (DOMAIN.md §10)."""
    match = Q(pk__in=[])
    for object_type, object_id in refs:
        match |= Q(object_type=object_type, object_id=object_id)
    return AuditEvent.objects.filter(match).order_by("-created_at", "-id")


# The audit page and the admin's Beranda flag unusual access over this window.
AUDIT_FLAG_WINDOW = datetime.timedelta(days=30)


@dataclass(frozen=True)
class AuditFlag:
    """An unusual access pattern worth a look."""

    jenis: str
    username: str
    waktu: datetime.datetime
    jumlah: int
    keterangan: str


def audit_flags(*, sejak: datetime.datetime) -> list[AuditFlag]:
    """Unusual access since `sejak` (DOMAIN.md §10): many families viewed, or many NIK/No KK
    searched, by one user within an hour, and exports outside office hours. Three aggregate
    queries plus the settings."""
    pengaturan = pengaturan_semua()
    batas = pengaturan["akses_lihat_per_jam_maks"]
    batas_cari = pengaturan["cari_identitas_per_jam_maks"]
    mulai, selesai = pengaturan["jam_kerja_mulai"], pengaturan["jam_kerja_selesai"]
    jam = TruncHour("created_at", tzinfo=JAKARTA)
    banyak = (
        AuditEvent.objects.filter(
            created_at__gte=sejak, action=AuditEvent.Action.VIEW, object_type="kpm.keluarga"
        )
        .annotate(jam=jam)
        .values("username", "jam")
        .annotate(n=Count("object_id", distinct=True))
        .filter(n__gt=batas)
        .order_by("-jam")
    )
    flags = [
        AuditFlag(
            "banyak_lihat",
            row["username"],
            row["jam"],
            row["n"],
            f"Melihat {row['n']} keluarga dalam satu jam (batas {batas}).",
        )
        for row in banyak
    ]
    # Issue 22: guessing identifiers one search at a time is the enumeration the exact-match
    # rule and the rate limit slow down; an hour over the threshold is worth a look.
    banyak_cari = (
        AuditEvent.objects.filter(created_at__gte=sejak, action=AuditEvent.Action.SEARCH)
        .annotate(jam=jam)
        .values("username", "jam")
        .annotate(n=Count("pk"))
        .filter(n__gt=batas_cari)
        .order_by("-jam")
    )
    flags += [
        AuditFlag(
            "banyak_cari_identitas",
            row["username"],
            row["jam"],
            row["n"],
            f"Mencari {row['n']} NIK/No KK dalam satu jam (batas {batas_cari}).",
        )
        for row in banyak_cari
    ]
    luar_jam = (
        AuditEvent.objects.filter(created_at__gte=sejak, action=AuditEvent.Action.EXPORT)
        .annotate(jam_ke=ExtractHour("created_at", tzinfo=JAKARTA))
        .exclude(jam_ke__gte=mulai, jam_ke__lt=selesai)
        .order_by("-created_at")
        .values_list("username", "created_at", "jumlah")
    )
    flags += [
        AuditFlag(
            "ekspor_luar_jam",
            username,
            waktu,
            jumlah,
            f"Ekspor {jumlah} data di luar jam kerja ({mulai:02d}.00–{selesai:02d}.00 WIB).",
        )
        for username, waktu, jumlah in luar_jam
    ]
    return sorted(flags, key=lambda f: f.waktu, reverse=True)


def pengaturan_semua(*, on: datetime.date | None = None) -> dict[str, Any]:
    """Every programme setting in force on `on` (default today), defaults filled in; 1 query."""
    day = on or today()
    rows = (
        Pengaturan.objects.filter(berlaku_mulai__lte=day)
        .order_by("kunci", "-berlaku_mulai")
        .distinct("kunci")
        .values_list("kunci", "nilai")
    )
    values = {kunci: definisi.default for kunci, definisi in DEFAULTS.items()}
    values.update({kunci: nilai for kunci, nilai in rows if kunci in DEFAULTS})
    return values


def pengaturan_get(kunci: str, *, on: datetime.date | None = None) -> Any:
    """One programme setting in force on `on` (default today)."""
    if kunci not in DEFAULTS:
        raise KeyError(kunci)
    nilai = (
        Pengaturan.objects.filter(kunci=kunci, berlaku_mulai__lte=on or today())
        .order_by("-berlaku_mulai")
        .values_list("nilai", flat=True)
        .first()
    )
    return DEFAULTS[kunci].default if nilai is None else nilai


def otp_has_device(*, user: User) -> bool:
    """Whether the user has a confirmed TOTP device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def beranda_items(*, user: User) -> list[hooks.ItemBeranda]:
    """The user's worklist: every item the apps register on the `beranda` hook, overdue
    first, then due soon, then the rest, and counts of nothing last (each provider scopes
    its own counts)."""
    order = {"bahaya": 0, "peringatan": 1}
    items = [
        item
        for provider in hooks.registry.providers(hooks.BERANDA)
        for item in provider(user=user)
        if url_is_open_to(user, item.url)  # a restricted role sees only its own pages
    ]
    return sorted(items, key=lambda item: (item.jumlah == 0, order.get(item.tingkat, 2)))


# --- Four eyes (issue 20) ---------------------------------------------------------------
def persetujuan_perlu(jenis: Persetujuan.Jenis, *, on: datetime.date | None = None) -> bool:
    """Whether the action needs a second person's approval today (setting
    `empat_mata_tindakan`); when not, the owning app runs it directly."""
    return str(jenis) in pengaturan_get("empat_mata_tindakan", on=on)


def persetujuan_antrean(*, user: User) -> QuerySet[Persetujuan]:
    """Open proposals `user` may decide: their role is named on it, its area lies inside
    theirs (an admin decides everywhere; an area-less proposal only an admin), and it is
    not their own. The Beranda count and the Persetujuan page both read this."""
    qs = Persetujuan.objects.filter(
        status=Persetujuan.Status.DIAJUKAN, peran_penyetuju__contains=[user.role]
    ).exclude(diajukan_oleh=user)
    if user.role != User.Role.ADMIN:
        qs = qs.filter(wilayah__in=scope_wilayah(user))
    return qs.select_related("diajukan_oleh", "wilayah").order_by("created_at", "id")


def persetujuan_milik(*, user: User) -> QuerySet[Persetujuan]:
    """The user's own proposals still waiting (they may withdraw them, never decide them)."""
    return (
        Persetujuan.objects.filter(status=Persetujuan.Status.DIAJUKAN, diajukan_oleh=user)
        .select_related("diajukan_oleh", "wilayah")
        .order_by("created_at", "id")
    )


def persetujuan_riwayat(*, user: User, limit: int = 20) -> list[Persetujuan]:
    """The last decisions on proposals the user made or decided (latest first)."""
    return list(
        Persetujuan.objects.exclude(status=Persetujuan.Status.DIAJUKAN)
        .filter(Q(diajukan_oleh=user) | Q(diputuskan_oleh=user))
        .select_related("diajukan_oleh", "diputuskan_oleh")
        .order_by("-diputuskan_at", "-id")[:limit]
    )
