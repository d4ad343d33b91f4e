"""Writes of complaints: registering, routing, responding, closing, follow-up, escalation."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dinsos import services as dinsos_services
from dinsos.access import scope_kelurahan_ids
from dinsos.errors import DomainError
from dinsos.models import AuditEvent, User, Wilayah
from dinsos.pengaturan import today
from dinsos.selectors import pengaturan_semua
from dtsen.models import Temuan
from kpm.models import Anggota, Keluarga
from pendamping import services as pendamping_services
from pendamping.models import Rujukan
from pengaduan import selectors
from pengaduan.models import Lampiran, Pengaduan, Riwayat, tiket_baru
from pengaduan.tenggat import Kalender

logger = logging.getLogger(__name__)
R = User.Role
TIKET_PERCOBAAN = 5  # a collision among 6·10**13 tickets is rare; five in a row is a bug


@dataclass(frozen=True)
class PengaduanBaru:
    """What the front desk (or a pendamping) records; `keluarga`/`anggota` when the
    complainant is in the registry, else `kelurahan` names where they live."""

    kanal: str
    kategori: str
    deskripsi: str
    tanggal_terima: datetime.date
    nama: str
    nik: str = ""
    telepon: str = ""
    alamat: str = ""
    keluarga: Keluarga | None = None
    anggota: Anggota | None = None
    kelurahan: Wilayah | None = None
    tentang_pendamping: User | None = None
    petugas: User | None = None  # chosen by office staff; None: routed by the rules


def tenggat_hitung(
    *, kategori: str, tanggal_terima: datetime.date, kalender: Kalender | None = None
) -> tuple[datetime.date, datetime.date]:
    """The first-answer and resolution deadlines of a complaint of `kategori` received on
    `tanggal_terima`: the working days in force on that day (dated settings)."""
    pengaturan = pengaturan_semua(on=tanggal_terima)
    kalender = kalender or selectors.kalender_kerja()
    jawab = int(pengaturan[f"pengaduan_jawab_hari_{kategori}"])
    selesai = int(pengaturan[f"pengaduan_selesai_hari_{kategori}"])
    return (
        kalender.tambah_hari_kerja(tanggal_terima, jawab),
        kalender.tambah_hari_kerja(tanggal_terima, max(selesai, jawab)),
    )


def _koordinator_untuk(kelurahan: Wilayah) -> User | None:
    """The koordinator whose areas cover the kelurahan (the first by username: stable)."""
    for koordinator in User.objects.filter(role=R.KOORDINATOR, is_active=True).order_by("username"):
        if scope_kelurahan_ids(koordinator).filter(pk=kelurahan.pk).exists():
            return koordinator
    return None


def _covers(user: User, kelurahan: Wilayah) -> bool:
    if user.role == R.ADMIN:
        return True
    return scope_kelurahan_ids(user).filter(pk=kelurahan.pk).exists()


def _petugas_untuk(*, data: PengaduanBaru, kelurahan: Wilayah, oleh: User) -> User:
    """Routing (issue 18): about a pendamping → the area's koordinator; chosen by the office
    → that person; a registry family with a pendamping → that pendamping; otherwise whoever
    registered it (the front desk officer, or the pendamping who heard it)."""
    teradu = data.tentang_pendamping
    if teradu is not None:
        if data.petugas is not None and data.petugas != teradu:
            return data.petugas
        koordinator = _koordinator_untuk(kelurahan)
        if koordinator is None:
            raise DomainError(
                "Belum ada koordinator untuk wilayah ini; pengaduan tentang pendamping "
                "tidak dapat diteruskan. Hubungi admin.",
                field="tentang_pendamping",
            )
        return koordinator
    if data.petugas is not None:
        return data.petugas
    if data.keluarga is not None and data.keluarga.pendamping_id:
        pendamping = data.keluarga.pendamping
        assert pendamping is not None
        return pendamping
    return oleh


def _check_petugas(petugas: User, *, kelurahan: Wilayah, teradu: User | None) -> None:
    if teradu is not None and petugas.pk == teradu.pk:
        raise DomainError(
            "Pengaduan tentang seorang pendamping tidak boleh dipegang pendamping itu.",
            field="petugas",
        )
    if not petugas.is_active or not _covers(petugas, kelurahan):
        raise DomainError(
            f"{petugas} tidak bertugas di {kelurahan.nama}; pilih petugas wilayah itu.",
            field="petugas",
        )


def _riwayat(pengaduan: Pengaduan, jenis: Riwayat.Jenis, isi: str, oleh: User | None) -> None:
    Riwayat.objects.create(pengaduan=pengaduan, jenis=jenis, isi=isi, oleh=oleh)


@transaction.atomic
def pengaduan_catat(*, data: PengaduanBaru, oleh: User) -> Pengaduan:
    """Register a complaint: route it, set its deadlines, give it a random ticket.

    Raises DomainError when it is about the person registering it, when no koordinator can
    take a complaint about a pendamping, or when the chosen holder works elsewhere.
    """
    if data.tanggal_terima > today():
        raise DomainError("Tanggal diterima tidak boleh setelah hari ini.", field="tanggal_terima")
    if data.tentang_pendamping is not None and data.tentang_pendamping.pk == oleh.pk:
        raise DomainError(
            "Pengaduan tentang diri sendiri dicatat oleh petugas kantor.",
            field="tentang_pendamping",
        )
    keluarga = data.anggota.keluarga if data.anggota is not None else data.keluarga
    kelurahan = keluarga.kelurahan if keluarga is not None else data.kelurahan
    if kelurahan is None:
        raise DomainError("Pilih kelurahan tempat tinggal pengadu.", field="kelurahan")
    data = PengaduanBaru(**{**data.__dict__, "keluarga": keluarga})
    petugas = _petugas_untuk(data=data, kelurahan=kelurahan, oleh=oleh)
    _check_petugas(petugas, kelurahan=kelurahan, teradu=data.tentang_pendamping)
    tenggat_jawab, tenggat_selesai = tenggat_hitung(
        kategori=data.kategori, tanggal_terima=data.tanggal_terima
    )
    values: dict[str, Any] = {
        "kanal": data.kanal,
        "kategori": data.kategori,
        "deskripsi": data.deskripsi.strip(),
        "keluarga": keluarga,
        "anggota": data.anggota,
        "nama": data.nama.strip(),
        "nik": data.nik or (data.anggota.nik if data.anggota is not None else ""),
        "telepon": data.telepon,
        "alamat": data.alamat.strip(),
        "kelurahan": kelurahan,
        "kecamatan_id": kelurahan.parent_id,
        "tentang_pendamping": data.tentang_pendamping,
        "petugas": petugas,
        "tanggal_terima": data.tanggal_terima,
        "tenggat_jawab": tenggat_jawab,
        "tenggat_selesai": tenggat_selesai,
        "dicatat_oleh": oleh,
    }
    pengaduan = _create_with_ticket(values)
    _riwayat(pengaduan, Riwayat.Jenis.DICATAT, f"Diteruskan ke {petugas}.", oleh)
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=pengaduan)
    logger.info("pengaduan dicatat id=%s petugas_id=%s", pengaduan.pk, petugas.pk)
    return pengaduan


def _create_with_ticket(values: dict[str, Any]) -> Pengaduan:
    """Insert with a fresh random ticket, drawing again on the rare collision (the unique
    constraint decides, so two desks registering at once never share a ticket)."""
    for _ in range(TIKET_PERCOBAAN):
        try:
            with transaction.atomic():
                return Pengaduan.objects.create(tiket=tiket_baru(), **values)
        except IntegrityError as exc:
            if "tiket" not in str(exc):
                raise
    raise DomainError("Nomor tiket tidak dapat dibuat; coba simpan lagi.")


def _locked(pengaduan: Pengaduan) -> Pengaduan:
    locked = Pengaduan.objects.select_for_update().get(pk=pengaduan.pk)
    if locked.is_ditutup:
        raise DomainError("Pengaduan ini sudah selesai; tidak dapat diubah lagi.")
    return locked


@transaction.atomic
def pengaduan_catatan_tambah(*, pengaduan: Pengaduan, isi: str, oleh: User) -> None:
    """Add an internal note (never shown to the complainant)."""
    _riwayat(pengaduan, Riwayat.Jenis.CATATAN, isi.strip(), oleh)


@transaction.atomic
def pengaduan_tanggapi(*, pengaduan: Pengaduan, tanggapan: str, oleh: User) -> Pengaduan:
    """Give the complainant a response: it becomes the public response, and the first one
    answers the complaint (its date is measured against the first-answer deadline)."""
    locked = _locked(pengaduan)
    if not tanggapan.strip():
        raise DomainError("Tuliskan tanggapan untuk pengadu.", field="tanggapan")
    locked.tanggapan_publik = tanggapan.strip()
    fields = ["tanggapan_publik", "updated_at"]
    if locked.tanggal_jawab is None:
        locked.tanggal_jawab = today()
        locked.status = Pengaduan.Status.DITANGANI
        fields += ["tanggal_jawab", "status"]
    locked.save(update_fields=fields)
    _riwayat(locked, Riwayat.Jenis.TANGGAPAN, locked.tanggapan_publik, oleh)
    return locked


@transaction.atomic
def pengaduan_tutup(*, pengaduan: Pengaduan, hasil: str, tanggapan: str, oleh: User) -> Pengaduan:
    """Close a complaint with its outcome and the response given to the complainant (both
    required); a complaint closed without an earlier answer is answered today."""
    locked = _locked(pengaduan)
    if hasil not in Pengaduan.Hasil.values:
        raise DomainError("Pilih hasil penanganan.", field="hasil")
    if not tanggapan.strip():
        raise DomainError("Tuliskan tanggapan yang diberikan kepada pengadu.", field="tanggapan")
    if hasil == Pengaduan.Hasil.DIRUJUK and locked.rujukan_id is None:
        raise DomainError(
            "Hasil 'dirujuk' memerlukan rujukan; buat rujukan dulu di tindak lanjut.",
            field="hasil",
        )
    hari_ini = today()
    locked.status = Pengaduan.Status.DITUTUP
    locked.hasil = hasil
    locked.tanggapan_publik = tanggapan.strip()
    locked.tanggal_jawab = locked.tanggal_jawab or hari_ini
    locked.tanggal_tutup = hari_ini
    locked.save(
        update_fields=[
            "status",
            "hasil",
            "tanggapan_publik",
            "tanggal_jawab",
            "tanggal_tutup",
            "updated_at",
        ]
    )
    isi = f"{Pengaduan.Hasil(hasil).label}. {locked.tanggapan_publik}"
    _riwayat(locked, Riwayat.Jenis.DITUTUP, isi, oleh)
    return locked


@transaction.atomic
def pengaduan_alihkan(*, pengaduan: Pengaduan, petugas: User, alasan: str, oleh: User) -> None:
    """Move a complaint to another holder who works in its kelurahan (never to the pendamping
    it is about)."""
    locked = _locked(pengaduan)
    _check_petugas(petugas, kelurahan=locked.kelurahan, teradu=locked.tentang_pendamping)
    locked.petugas = petugas
    locked.save(update_fields=["petugas", "updated_at"])
    _riwayat(locked, Riwayat.Jenis.DIALIHKAN, f"Dialihkan ke {petugas}. {alasan}".strip(), oleh)


@transaction.atomic
def pengaduan_lampiran_tambah(
    *, pengaduan: Pengaduan, berkas: UploadedFile, keterangan: str, oleh: User
) -> Lampiran:
    """Attach a document already checked by `dinsos.uploads.UploadField` (content type from
    its bytes, random name, images re-encoded)."""
    lampiran = Lampiran.objects.create(
        pengaduan=pengaduan,
        berkas=berkas,
        keterangan=keterangan.strip(),
        tipe=berkas.content_type or "",
        diunggah_oleh=oleh,
    )
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=lampiran)
    return lampiran


def _needs_keluarga(pengaduan: Pengaduan) -> Keluarga:
    if pengaduan.keluarga is None:
        raise DomainError(
            "Pengadu bukan KPM: kasus dan rujukan hanya untuk keluarga di data KPM.",
            field="jenis",
        )
    return pengaduan.keluarga


@transaction.atomic
def pengaduan_temuan_tautkan(*, pengaduan: Pengaduan, temuan: Temuan, oleh: User) -> None:
    """Link a reconciliation finding about the complainant (the caller offers only those)."""
    locked = _locked(pengaduan)
    locked.temuan = temuan
    locked.save(update_fields=["temuan", "updated_at"])
    _riwayat(locked, Riwayat.Jenis.TINDAK_LANJUT, f"Ditautkan ke temuan #{temuan.pk}.", oleh)


@transaction.atomic
def pengaduan_kasus_buat(*, pengaduan: Pengaduan, kategori: str, oleh: User) -> None:
    """Open a case for the complainant's family through the pendamping app's service."""
    locked = _locked(pengaduan)
    kasus = pendamping_services.kasus_catat(
        keluarga=_needs_keluarga(pengaduan),
        data={"tanggal_lapor": today(), "kategori": kategori, "deskripsi": locked.deskripsi},
        oleh=oleh,
    )
    locked.kasus = kasus
    locked.save(update_fields=["kasus", "updated_at"])
    _riwayat(locked, Riwayat.Jenis.TINDAK_LANJUT, f"Kasus #{kasus.pk} dibuat.", oleh)


@transaction.atomic
def pengaduan_rujukan_buat(
    *, pengaduan: Pengaduan, tujuan: str, tujuan_lain: str, oleh: User
) -> None:
    """Refer the complainant's family to another service through the pendamping app."""
    locked = _locked(pengaduan)
    rujukan = pendamping_services.rujukan_kirim(
        keluarga=_needs_keluarga(pengaduan),
        data={
            "tanggal_kirim": today(),
            "tujuan": tujuan,
            "tujuan_lain": tujuan_lain,
            "keperluan": locked.deskripsi,
            "kasus": locked.kasus,
        },
        oleh=oleh,
    )
    locked.rujukan = rujukan
    locked.save(update_fields=["rujukan", "updated_at"])
    label = rujukan.nama_tujuan if rujukan.tujuan != Rujukan.Tujuan.LAINNYA else tujuan_lain
    _riwayat(locked, Riwayat.Jenis.TINDAK_LANJUT, f"Dirujuk ke {label}.", oleh)


@transaction.atomic
def pengaduan_eskalasi(*, hari_ini: datetime.date) -> int:
    """Escalate every open complaint past its deadline to the koordinator of its area (it
    appears on their Beranda); idempotent: an escalated complaint is never escalated again,
    and a concurrent run cannot add a second history row (unique constraint)."""
    lewat = selectors.q_tenggat(selectors.TENGGAT_LEWAT, hari_ini=hari_ini, batas_hampir=hari_ini)
    due = Pengaduan.objects.filter(lewat, dieskalasi_at__isnull=True)
    ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    jumlah = Pengaduan.objects.filter(pk__in=ids, dieskalasi_at__isnull=True).update(
        dieskalasi_at=now, updated_at=now
    )
    Riwayat.objects.bulk_create(
        [
            Riwayat(
                pengaduan_id=pk,
                jenis=Riwayat.Jenis.ESKALASI,
                isi="Lewat tenggat: dieskalasi ke koordinator.",
            )
            for pk in ids
        ],
        ignore_conflicts=True,
    )
    logger.info("pengaduan eskalasi jumlah=%s", jumlah)
    return jumlah


def status_publik_catat(*, pengaduan: Pengaduan | None, tiket: str) -> None:
    """Audit one look-up of the public status page: the complaint shown, or a failed try
    with the ticket typed (an unknown ticket and wrong digits are recorded alike)."""
    if pengaduan is not None:
        dinsos_services.audit_record(
            user=None, action=AuditEvent.Action.VIEW, obj=pengaduan, reason="Halaman status publik"
        )
    else:
        dinsos_services.audit_record(
            user=None,
            action=AuditEvent.Action.SEARCH,
            object_type=Pengaduan._meta.label_lower,
            object_repr=f"Cek status gagal: tiket {tiket}",
            reason="Halaman status publik",
            jumlah=0,
        )
