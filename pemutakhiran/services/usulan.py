"""Writes of a proposal's life: create, submit, verify, ground-check, decide (issue 17).

Each transition locks the row, checks that the proposal is in a status the step starts from
(`DomainError` in Indonesian otherwise), writes a `Riwayat` row and an audit event.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.bulan import awal_bulan
from dinsos.errors import DomainError
from dinsos.formatting import bulan_tahun, mask_nik, tanggal
from dinsos.models import AuditEvent, Persetujuan, User, Wilayah
from dinsos.pengaturan import today
from dtsen.models import Temuan
from kpm.models import Anggota
from pemutakhiran.access import PEMERIKSA, kelurahan_ids
from pemutakhiran.kalender import bulan_kiriman
from pemutakhiran.models import TERBUKA, BatchSiks, Bukti, Riwayat, Status, Usulan
from pemutakhiran.syarat import syarat_untuk

logger = logging.getLogger(__name__)
R = User.Role
S = Status


class UsulanGanda(DomainError):
    """The person already has an open proposal of this kind; `usulan` is that one."""

    def __init__(self, usulan: Usulan) -> None:
        super().__init__(
            f"Orang ini sudah punya usulan {usulan.get_jenis_display().lower()} yang masih "
            f"terbuka: usulan #{usulan.pk} ({usulan.get_status_display()}). Ikuti usulan itu; "
            "satu orang hanya boleh punya satu usulan terbuka per jenis.",
            field="nik",
        )
        self.usulan = usulan


@dataclass(frozen=True)
class UsulanBaru:
    """A new proposal: the kind (and a deactivation's reason), the person, the kelurahan and
    the kind's own fields (`nilai`, named as in `syarat.SYARAT`)."""

    jenis: str
    nik: str
    nama: str
    kelurahan: Wilayah
    alasan_nonaktif: str = ""
    nilai: Mapping[str, Any] = field(default_factory=dict)
    temuan: Temuan | None = None
    tiket_pengaduan: str = ""


def _sumber(data: UsulanBaru, oleh: User) -> Usulan.Sumber:
    if data.temuan is not None:
        return Usulan.Sumber.TEMUAN
    if data.tiket_pengaduan:
        return Usulan.Sumber.PENGADUAN
    if oleh.role == R.OPERATOR_KELURAHAN:
        return Usulan.Sumber.KELURAHAN
    if oleh.role == R.PENDAMPING:
        return Usulan.Sumber.PENDAMPING
    return Usulan.Sumber.KANTOR


def _covers(user: User, kelurahan: Wilayah) -> bool:
    if user.role == R.ADMIN:
        return True
    return kelurahan_ids(user).filter(pk=kelurahan.pk).exists()


def _riwayat(usulan: Usulan, dari: str, ke: str, catatan: str, oleh: User | None) -> None:
    Riwayat.objects.create(usulan=usulan, dari=dari, ke=ke, catatan=catatan, oleh=oleh)


def _audit(usulan: Usulan, oleh: User, alasan: str) -> None:
    dinsos_services.audit_record(
        user=oleh, action=AuditEvent.Action.UPDATE, obj=usulan, reason=alasan
    )


def usulan_terbuka(*, nik: str, jenis: str) -> Usulan | None:
    """The open proposal of this kind about this person, if any (the duplicate guard)."""
    return Usulan.objects.filter(nik=nik, jenis=jenis, status__in=TERBUKA).first()


@transaction.atomic
def usulan_buat(
    *,
    data: UsulanBaru,
    oleh: User,
    bukti: UploadedFile | None = None,
    hari_ini: datetime.date | None = None,
) -> Usulan:
    """Record a draft proposal with its evidence (checked by `dinsos.uploads.UploadField`).

    Raises `UsulanGanda` when the person already has an open proposal of the kind, and
    DomainError for a kind/reason pair that does not exist, a missing required field, or a
    kelurahan outside the user's area.
    """
    hari_ini = hari_ini or today()
    syarat = syarat_untuk(data.jenis, data.alasan_nonaktif)
    if syarat is None:
        raise DomainError("Pilih jenis usulan (dan alasan penonaktifan).", field="jenis")
    for name in syarat.fields:
        if data.nilai.get(name) in (None, ""):
            raise DomainError("Wajib diisi untuk jenis usulan ini.", field=name)
    if not _covers(oleh, data.kelurahan):
        raise DomainError(f"Anda tidak bertugas di {data.kelurahan.nama}.", field="kelurahan")
    if data.kelurahan.parent_id is None:
        raise DomainError("Pilih kelurahan/desa.", field="kelurahan")
    if existing := usulan_terbuka(nik=data.nik, jenis=data.jenis):
        raise UsulanGanda(existing)
    anggota = Anggota.objects.filter(nik=data.nik).select_related("keluarga").first()
    nilai = {k: v for k, v in data.nilai.items() if v not in (None, "")}
    try:
        with transaction.atomic():
            usulan = Usulan.objects.create(
                jenis=data.jenis,
                alasan_nonaktif=data.alasan_nonaktif,
                sumber=_sumber(data, oleh),
                bulan=bulan_kiriman(hari_ini),
                nik=data.nik,
                nama=data.nama.strip(),
                kelurahan=data.kelurahan,
                kecamatan_id=int(data.kelurahan.parent_id),
                anggota=anggota,
                keluarga=anggota.keluarga if anggota else None,
                temuan=data.temuan,
                tiket_pengaduan=data.tiket_pengaduan,
                dibuat_oleh=oleh,
                **nilai,
            )
    except IntegrityError as exc:  # another desk saved the same person a moment ago
        if existing := usulan_terbuka(nik=data.nik, jenis=data.jenis):
            raise UsulanGanda(existing) from exc
        raise
    sumber = usulan.get_sumber_display()
    _riwayat(usulan, "", S.DRAF, f"Dibuat ({sumber}).", oleh)
    if bukti is not None:
        usulan_bukti_tambah(usulan=usulan, berkas=bukti, keterangan=syarat.bukti, oleh=oleh)
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=usulan)
    logger.info("usulan dibuat id=%s jenis=%s oleh=%s", usulan.pk, usulan.jenis, oleh.pk)
    return usulan


@transaction.atomic
def usulan_bukti_tambah(
    *,
    usulan: Usulan,
    berkas: UploadedFile,
    keterangan: str,
    oleh: User,
    jenis: Bukti.Jenis = Bukti.Jenis.DOKUMEN,
) -> Bukti:
    """Attach evidence already checked by `dinsos.uploads.UploadField` (type from its bytes,
    random name, images re-encoded without their location)."""
    bukti = Bukti.objects.create(
        usulan=usulan,
        jenis=jenis,
        berkas=berkas,
        keterangan=(keterangan or "Bukti").strip()[:100],
        tipe=berkas.content_type or "",
        diunggah_oleh=oleh,
    )
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=bukti)
    return bukti


def _locked(usulan: Usulan, dari: frozenset[str] | set[str], langkah: str) -> Usulan:
    locked = Usulan.objects.select_for_update().get(pk=usulan.pk)
    if locked.status not in dari:
        raise DomainError(
            f"Usulan berstatus {locked.get_status_display().lower()} tidak dapat {langkah}."
        )
    return locked


def _bulan_belum_dikirim(bulan: datetime.date, jenis: str) -> datetime.date:
    """`bulan`, or the first later month whose batch of this kind is not yet frozen: a
    proposal arriving after its batch left joins the next one."""
    frozen = set(
        BatchSiks.objects.filter(jenis=jenis, bulan__gte=bulan).values_list("bulan", flat=True)
    )
    while bulan in frozen:
        bulan = awal_bulan(bulan, geser=1)
    return bulan


@transaction.atomic
def usulan_ajukan(
    *,
    usulan: Usulan,
    tanggal_musdes: datetime.date | None,
    nomor_berita_acara: str,
    oleh: User,
    hari_ini: datetime.date | None = None,
) -> Usulan:
    """Submit a draft to Dinsos. A kelurahan's proposal carries its Musdes/Muskel date and
    minutes number; the kind's evidence must be attached. It joins this month's batch up to
    the SIKS-NG cut-off, next month's after it."""
    hari_ini = hari_ini or today()
    locked = _locked(usulan, {S.DRAF}, "diajukan")
    syarat = syarat_untuk(locked.jenis, locked.alasan_nonaktif)
    assert syarat is not None  # usulan_buat accepted the pair
    if syarat.bukti and not locked.bukti.filter(jenis=Bukti.Jenis.DOKUMEN).exists():
        raise DomainError(f"Lampirkan bukti dulu: {syarat.bukti}.")
    if locked.sumber == Usulan.Sumber.KELURAHAN and not (tanggal_musdes and nomor_berita_acara):
        raise DomainError(
            "Usulan kelurahan/desa memerlukan tanggal Musdes/Muskel dan nomor berita acaranya.",
            field="tanggal_musdes",
        )
    if tanggal_musdes and tanggal_musdes > hari_ini:
        raise DomainError(
            "Tanggal Musdes/Muskel tidak boleh setelah hari ini.", field="tanggal_musdes"
        )
    bulan = _bulan_belum_dikirim(bulan_kiriman(hari_ini), locked.jenis)
    locked.status = S.DIAJUKAN
    locked.tanggal_musdes = tanggal_musdes
    locked.nomor_berita_acara = nomor_berita_acara.strip()
    locked.diajukan_oleh = oleh
    locked.diajukan_at = timezone.now()
    locked.bulan = bulan
    locked.save(
        update_fields=[
            "status",
            "tanggal_musdes",
            "nomor_berita_acara",
            "diajukan_oleh",
            "diajukan_at",
            "bulan",
            "updated_at",
        ]
    )
    catatan = f"Ikut kiriman {bulan_tahun(bulan)}."
    if bulan > awal_bulan(hari_ini):
        catatan = f"Lewat batas input SIKS-NG bulan ini: ikut kiriman {bulan_tahun(bulan)}."
    if tanggal_musdes:
        catatan += f" Musdes/Muskel {tanggal(tanggal_musdes)}, BA {locked.nomor_berita_acara}."
    _riwayat(locked, S.DRAF, S.DIAJUKAN, catatan, oleh)
    _audit(locked, oleh, "Usulan diajukan")
    return locked


@transaction.atomic
def usulan_verifikasi(*, usulan: Usulan, catatan: str, oleh: User) -> Usulan:
    """Dinsos has checked a submitted proposal against its records and evidence."""
    locked = _locked(usulan, {S.DIAJUKAN}, "diverifikasi")
    locked.status = S.DIVERIFIKASI
    locked.diverifikasi_oleh = oleh
    locked.diverifikasi_at = timezone.now()
    locked.save(update_fields=["status", "diverifikasi_oleh", "diverifikasi_at", "updated_at"])
    _riwayat(locked, S.DIAJUKAN, S.DIVERIFIKASI, catatan.strip(), oleh)
    _audit(locked, oleh, "Usulan diverifikasi")
    return locked


@transaction.atomic
def usulan_tugaskan(*, usulan: Usulan, petugas: User, oleh: User) -> Usulan:
    """Send a verified proposal to a pendamping or TKSK of its kelurahan for a ground-check."""
    locked = _locked(usulan, {S.DIVERIFIKASI}, "ditugaskan cek lapangan")
    in_area = scope_kelurahan_ids(petugas).filter(pk=locked.kelurahan_id).exists()
    if petugas.role != R.PENDAMPING or not petugas.is_active or not in_area:
        raise DomainError(
            f"{petugas} tidak bertugas di {locked.kelurahan.nama}; pilih pendamping atau TKSK "
            "wilayah itu.",
            field="petugas",
        )
    locked.status = S.CEK_LAPANGAN
    locked.petugas_lapangan = petugas
    locked.save(update_fields=["status", "petugas_lapangan", "updated_at"])
    _riwayat(locked, S.DIVERIFIKASI, S.CEK_LAPANGAN, f"Cek lapangan oleh {petugas}.", oleh)
    _audit(locked, oleh, "Usulan ditugaskan cek lapangan")
    return locked


@transaction.atomic
def usulan_hasil_lapangan(
    *, usulan: Usulan, hasil: str, catatan: str, foto: UploadedFile, oleh: User
) -> Usulan:
    """Record the ground-check: its result, a note and a photo (once)."""
    locked = _locked(usulan, {S.CEK_LAPANGAN}, "diberi hasil cek lapangan")
    if locked.hasil_lapangan:
        raise DomainError("Hasil cek lapangan sudah dicatat.")
    if hasil not in Usulan.HasilLapangan.values:
        raise DomainError("Pilih hasil cek lapangan.", field="hasil")
    locked.hasil_lapangan = hasil
    locked.catatan_lapangan = catatan.strip()
    locked.save(update_fields=["hasil_lapangan", "catatan_lapangan", "updated_at"])
    usulan_bukti_tambah(
        usulan=locked,
        berkas=foto,
        keterangan="Foto cek lapangan",
        oleh=oleh,
        jenis=Bukti.Jenis.LAPANGAN,
    )
    label = Usulan.HasilLapangan(hasil).label
    _riwayat(locked, S.CEK_LAPANGAN, S.CEK_LAPANGAN, f"Hasil: {label}. {catatan}".strip(), oleh)
    _audit(locked, oleh, "Hasil cek lapangan dicatat")
    _pbijk_antrekan(locked)  # issue 20: four eyes
    return locked


@transaction.atomic
def usulan_setujui(*, usulan: Usulan, oleh: User, hari_ini: datetime.date | None = None) -> Usulan:
    """Approve a ground-checked proposal for the SIKS-NG batch. Four eyes: whoever created or
    submitted it cannot approve it. If its month's batch already left, it joins the next."""
    locked = _locked(usulan, {S.CEK_LAPANGAN}, "disetujui")
    _setujui(locked, oleh=oleh, hari_ini=hari_ini)
    _pbijk_tutup(locked, oleh=oleh, is_disetujui=True)
    return locked


def _setujui(locked: Usulan, *, oleh: User, hari_ini: datetime.date | None) -> None:
    if oleh.pk in {locked.dibuat_oleh_id, locked.diajukan_oleh_id}:
        raise DomainError(
            "Usulan harus disetujui orang lain, bukan yang membuat atau mengajukannya "
            "(prinsip empat mata)."
        )
    if not locked.hasil_lapangan:
        raise DomainError("Hasil cek lapangan belum dicatat.")
    if locked.hasil_lapangan == Usulan.HasilLapangan.TIDAK_SESUAI:
        raise DomainError("Hasil cek lapangan tidak sesuai: usulan ini hanya dapat ditolak.")
    bulan = _bulan_belum_dikirim(max(locked.bulan, awal_bulan(hari_ini or today())), locked.jenis)
    catatan = f"Masuk kiriman {bulan_tahun(bulan)}."
    if bulan != locked.bulan:
        catatan = f"Kiriman {bulan_tahun(locked.bulan)} sudah lewat: {catatan}"
    locked.status = S.DISETUJUI
    locked.diputuskan_oleh = oleh
    locked.diputuskan_at = timezone.now()
    locked.bulan = bulan
    locked.save(update_fields=["status", "diputuskan_oleh", "diputuskan_at", "bulan", "updated_at"])
    _riwayat(locked, S.CEK_LAPANGAN, S.DISETUJUI, catatan, oleh)
    _audit(locked, oleh, "Usulan disetujui")


DAPAT_DITOLAK = frozenset({S.DRAF, S.DIAJUKAN, S.DIVERIFIKASI, S.CEK_LAPANGAN})


@transaction.atomic
def usulan_tolak(*, usulan: Usulan, alasan: str, oleh: User) -> Usulan:
    """Reject (or, for a draft, withdraw) a proposal with its reason; it is closed and the
    person may be proposed again."""
    locked = _locked(usulan, DAPAT_DITOLAK, "ditolak")
    if not alasan.strip():
        raise DomainError("Tuliskan alasan penolakan.", field="alasan")
    dari = locked.status
    locked.status = S.DITOLAK
    locked.alasan_tolak = alasan.strip()
    locked.diputuskan_oleh = oleh
    locked.diputuskan_at = timezone.now()
    locked.save(
        update_fields=["status", "alasan_tolak", "diputuskan_oleh", "diputuskan_at", "updated_at"]
    )
    _riwayat(locked, dari, S.DITOLAK, locked.alasan_tolak, oleh)
    _audit(locked, oleh, "Usulan ditolak")
    _pbijk_tutup(locked, oleh=oleh, is_disetujui=False)
    return locked


BELUM_DIKIRIM = frozenset({S.DRAF, S.DIAJUKAN, S.DIVERIFIKASI, S.CEK_LAPANGAN, S.DISETUJUI})


@transaction.atomic
def usulan_geser_bulan(*, hari_ini: datetime.date) -> int:
    """Move the proposals not yet sent whose batch month closed (past the SIKS-NG cut-off)
    to the batch now open, each with a history row; idempotent (a second run finds none)."""
    bulan = bulan_kiriman(hari_ini)
    ids = list(
        Usulan.objects.select_for_update(skip_locked=True)
        .filter(status__in=BELUM_DIKIRIM, bulan__lt=bulan, batch__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    rows = Usulan.objects.filter(pk__in=ids).values_list("pk", "status", "bulan")
    catatan = "Lewat batas input SIKS-NG kiriman {lama}: ikut kiriman {baru}."
    Riwayat.objects.bulk_create(
        Riwayat(
            usulan_id=pk,
            dari=status,
            ke=status,
            catatan=catatan.format(lama=bulan_tahun(lama), baru=bulan_tahun(bulan)),
        )
        for pk, status, lama in rows
    )
    jumlah = Usulan.objects.filter(pk__in=ids).update(bulan=bulan, updated_at=timezone.now())
    logger.info("usulan digeser ke bulan=%s jumlah=%s", bulan, jumlah)
    return jumlah


# --- Four eyes (issue 20) ---------------------------------------------------------------
# PBI-JK deactivation and reactivation decide who has state-paid health cover: once the
# ground-check is in, the decision also waits in the shared Persetujuan queue, where the
# office's approval runs `usulan_setujui` (its own rule still refuses the maker).
JENIS_PBIJK = frozenset({Usulan.Jenis.PENONAKTIFAN, Usulan.Jenis.REAKTIVASI_PBIJK})


def _pbijk_antrekan(usulan: Usulan) -> None:
    if (
        usulan.jenis not in JENIS_PBIJK
        or usulan.hasil_lapangan == Usulan.HasilLapangan.TIDAK_SESUAI
    ):
        return
    if not dinsos_selectors.persetujuan_perlu(Persetujuan.Jenis.PBIJK):
        return
    pengaju = usulan.diajukan_oleh or usulan.dibuat_oleh
    dinsos_services.persetujuan_ajukan(
        jenis=Persetujuan.Jenis.PBIJK,
        objek=usulan,
        wilayah=usulan.kelurahan,
        judul=f"{usulan.nama} (NIK {mask_nik(usulan.nik)})",
        sebelum="PBI-JK nonaktif" if usulan.jenis == Usulan.Jenis.REAKTIVASI_PBIJK else "Aktif",
        sesudah=f"{usulan.get_jenis_display()} dikirim ke SIKS-NG",
        alasan=f"Usulan #{usulan.pk}; hasil cek lapangan: {usulan.get_hasil_lapangan_display()}. "
        f"{usulan.catatan_lapangan}".strip(),
        data={},
        oleh=pengaju,
        peran_penyetuju=sorted(PEMERIKSA),
    )


def _pbijk_tutup(usulan: Usulan, *, oleh: User, is_disetujui: bool) -> None:
    if usulan.jenis in JENIS_PBIJK:
        dinsos_services.persetujuan_tutup_objek(
            objek=usulan, jenis=Persetujuan.Jenis.PBIJK, is_disetujui=is_disetujui, oleh=oleh
        )


def persetujuan_pbijk(*, persetujuan: Persetujuan, oleh: User) -> None:
    """Executor of an approved PBI-JK decision (hooks.EKSEKUTOR_PERSETUJUAN)."""
    usulan = Usulan.objects.get(pk=int(persetujuan.objek_id))
    _setujui(_locked(usulan, {S.CEK_LAPANGAN}, "disetujui"), oleh=oleh, hari_ini=None)
