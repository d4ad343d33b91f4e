"""Writes of the work-plan records behind RHK 7, 8 and 9 (DOMAIN.md §11; issue 20, D9).

Callers pass pendamping profiles and directives already loaded through `pendamping.access`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from dinsos import services as dinsos_services
from dinsos.bulan import akhir_bulan
from dinsos.errors import DomainError
from dinsos.formatting import JAKARTA, tanggal
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from dinsos.selectors import pengaturan_get
from pendamping.models import Arahan, ArahanPenerima, LaporanBulanan, Pendamping, Sosialisasi
from pendamping.services.ringkasan import ringkasan_kinerja_basi

LAPORAN_FIELDS = ("narasi", "jumlah_kunjungan", "jumlah_p2k2", "jumlah_kasus", "kendala")


def laporan_batas(bulan: datetime.date) -> datetime.date:
    """The last day a month's report is on time: day N of the next month (setting in force
    on that day)."""
    berikut = akhir_bulan(bulan) + datetime.timedelta(days=1)
    hari = int(pengaturan_get("laporan_bulanan_batas_hari", on=berikut))
    return berikut.replace(day=min(max(hari, 1), 28))


@transaction.atomic
def laporan_bulanan_kirim(
    *, pendamping: Pendamping, bulan: datetime.date, data: Mapping[str, Any], oleh: User
) -> LaporanBulanan:
    """Send (or correct) a pendamping's report of one month. One report per pendamping per
    month: a second send updates the text and counts but keeps the first send's time and
    lateness, so a correction never turns a late report into an on-time one."""
    bulan = bulan.replace(day=1)
    if bulan > today():
        raise DomainError("Laporan hanya untuk bulan yang sudah berjalan.", field="bulan")
    if oleh.role == User.Role.PENDAMPING and pendamping.user_id != oleh.pk:
        raise DomainError("Laporan bulanan dikirim oleh pendamping yang bersangkutan.")
    values: dict[str, Any] = {
        name: data.get(name) or ("" if name in ("narasi", "kendala") else 0)
        for name in LAPORAN_FIELDS
    }
    if not str(values["narasi"]).strip():
        raise DomainError("Uraian kegiatan bulan ini wajib diisi.", field="narasi")
    laporan = (
        LaporanBulanan.objects.select_for_update()
        .filter(pendamping=pendamping, bulan=bulan)
        .first()
    )
    sekarang = timezone.now()
    if laporan is None:
        terlambat = sekarang.astimezone(JAKARTA).date() > laporan_batas(bulan)
        laporan = LaporanBulanan.objects.create(
            pendamping=pendamping,
            bulan=bulan,
            dikirim_pada=sekarang,
            is_terlambat=terlambat,
            dicatat_oleh=oleh,
            **values,
        )
        action = AuditEvent.Action.CREATE
    else:
        for name, value in values.items():
            setattr(laporan, name, value)
        laporan.save(update_fields=[*LAPORAN_FIELDS, "updated_at"])
        action = AuditEvent.Action.UPDATE
    dinsos_services.audit_record(user=oleh, action=action, obj=laporan)
    ringkasan_kinerja_basi(sejak=bulan, pendamping_ids=[pendamping.pk])
    return laporan


@transaction.atomic
def arahan_buat(*, data: Mapping[str, Any], penerima: Sequence[Pendamping], oleh: User) -> Arahan:
    """Give a directive to the listed pendamping (already scoped to the koordinator's area)."""
    if oleh.role not in (User.Role.KOORDINATOR, User.Role.ADMIN):
        raise DomainError("Arahan diberikan oleh koordinator.")
    if not penerima:
        raise DomainError("Pilih sedikitnya satu pendamping penerima arahan.", field="penerima")
    if data["tanggal"] > today():
        raise DomainError("Tanggal arahan tidak boleh setelah hari ini.", field="tanggal")
    batas = data.get("batas_tanggal")
    if batas and batas < data["tanggal"]:
        raise DomainError(
            f"Batas tindak lanjut tidak boleh sebelum {tanggal(data['tanggal'])}.",
            field="batas_tanggal",
        )
    arahan = Arahan.objects.create(
        judul=data["judul"].strip(),
        isi=data["isi"].strip(),
        tanggal=data["tanggal"],
        batas_tanggal=batas,
        dibuat_oleh=oleh,
    )
    unik = {p.pk: p for p in penerima}
    ArahanPenerima.objects.bulk_create(
        [ArahanPenerima(arahan=arahan, pendamping=p) for p in unik.values()]
    )
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=arahan)
    ringkasan_kinerja_basi(sejak=arahan.tanggal, pendamping_ids=list(unik))
    return arahan


@transaction.atomic
def arahan_konfirmasi(*, penerima: ArahanPenerima, tanggapan: str, oleh: User) -> ArahanPenerima:
    """The recipient acknowledges a directive (RHK 8). Idempotent: a second confirmation
    keeps the first time and only updates the follow-up note."""
    if penerima.pendamping.user_id != oleh.pk:
        raise DomainError("Hanya pendamping penerima yang dapat mengonfirmasi arahan ini.")
    penerima.tanggapan = tanggapan.strip()
    fields = ["tanggapan", "updated_at"]
    if penerima.diterima_pada is None:
        penerima.diterima_pada = timezone.now()
        fields.append("diterima_pada")
    penerima.save(update_fields=fields)
    ringkasan_kinerja_basi(sejak=penerima.arahan.tanggal, pendamping_ids=[penerima.pendamping_id])
    return penerima


@transaction.atomic
def sosialisasi_catat(
    *, pendamping: Pendamping, data: Mapping[str, Any], oleh: User
) -> Sosialisasi:
    """Record a sosialisasi activity (RHK 9) with its participants and optional photo."""
    if oleh.role == User.Role.PENDAMPING and pendamping.user_id != oleh.pk:
        raise DomainError("Sosialisasi dicatat oleh pendamping yang melaksanakannya.")
    if data["tanggal"] > today():
        raise DomainError("Tanggal sosialisasi tidak boleh setelah hari ini.", field="tanggal")
    peserta = "\n".join(
        line.strip() for line in (data.get("peserta") or "").splitlines() if line.strip()
    )
    jumlah = int(data["jumlah_peserta"])
    if jumlah < len(peserta.splitlines()):
        raise DomainError(
            f"Jumlah peserta ({jumlah}) lebih kecil dari nama di daftar peserta "
            f"({len(peserta.splitlines())}).",
            field="jumlah_peserta",
        )
    sosialisasi = Sosialisasi.objects.create(
        pendamping=pendamping,
        tanggal=data["tanggal"],
        tempat=data["tempat"].strip(),
        kelurahan=data.get("kelurahan"),
        topik=data["topik"].strip(),
        jumlah_peserta=jumlah,
        peserta=peserta,
        foto=data.get("foto") or "",
        dicatat_oleh=oleh,
    )
    dinsos_services.audit_record(user=oleh, action=AuditEvent.Action.CREATE, obj=sosialisasi)
    ringkasan_kinerja_basi(sejak=sosialisasi.tanggal, pendamping_ids=[pendamping.pk])
    return sosialisasi
