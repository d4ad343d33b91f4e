"""Writes of the laporan app: ask for a report, build and store it, the monthly schedule."""

from __future__ import annotations

import datetime
import logging
import time

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from dinsos import selectors as dinsos_selectors
from dinsos.bulan import awal_bulan
from dinsos.errors import DomainError
from dinsos.formatting import bulan_tahun
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from laporan import exporters, selectors
from laporan.models import LaporanBulanan

logger = logging.getLogger(__name__)

SEDANG_DISUSUN = "Laporan bulan ini untuk wilayah ini sedang disusun; tunggu sampai selesai."


def judul_laporan(laporan: LaporanBulanan) -> str:
    return f"Laporan Rakor Bulanan {bulan_tahun(laporan.bulan)} — {laporan.wilayah.nama}"


def laporan_minta(*, wilayah: Wilayah, bulan: datetime.date, oleh: User) -> LaporanBulanan:
    """Ask for a new version of the month's report for the area (the first, or a "buat
    ulang" that keeps the older ones as history); the caller queues it
    (tasks.laporan_antrekan).

    Raises DomainError for a month still to come, or while a version is being built.
    """
    bulan = awal_bulan(bulan)
    if bulan > awal_bulan(today()):
        raise DomainError("Laporan hanya bisa dibuat untuk bulan ini atau bulan sebelumnya.")
    try:
        with transaction.atomic():
            laporan = _versi_baru(
                wilayah=wilayah, bulan=bulan, oleh=oleh, sumber=LaporanBulanan.Sumber.PERMINTAAN
            )
    except IntegrityError as exc:  # two clicks at once: the other one is building it
        raise DomainError(SEDANG_DISUSUN) from exc
    return laporan


def _versi_baru(
    *, wilayah: Wilayah, bulan: datetime.date, oleh: User | None, sumber: str
) -> LaporanBulanan:
    versi = LaporanBulanan.objects.filter(wilayah=wilayah, bulan=bulan)
    if versi.filter(status__in=[LaporanBulanan.Status.MENUNGGU, LaporanBulanan.Status.BERJALAN]):
        raise DomainError(SEDANG_DISUSUN)
    nomor = (versi.aggregate(n=Max("versi"))["n"] or 0) + 1
    return LaporanBulanan.objects.create(
        wilayah=wilayah, bulan=bulan, versi=nomor, dibuat_oleh=oleh, sumber=sumber
    )


def laporan_progres(*, laporan_id: int, tahap: str, progres: int) -> None:
    """Record how far the build is, committed at once so the page's poll sees it."""
    LaporanBulanan.objects.filter(pk=laporan_id).update(
        status=LaporanBulanan.Status.BERJALAN,
        tahap=tahap,
        progres=progres,
        updated_at=timezone.now(),
    )


def laporan_proses(*, laporan: LaporanBulanan) -> LaporanBulanan:
    """Build the figures, the PDF and the XLSX of a waiting report and store them.

    Not one transaction on purpose: the progress lines commit as they go (the page polls
    them); the figures and files are saved together at the end. A report already built is
    left as it is (a duplicate task delivery), so the stored figures never change.
    """
    if laporan.status == LaporanBulanan.Status.SELESAI:
        return laporan
    waktu: dict[str, float] = {}
    mulai = time.perf_counter()
    data = selectors.laporan_susun(
        wilayah=laporan.wilayah,
        bulan=laporan.bulan,
        progres=lambda tahap, persen: laporan_progres(
            laporan_id=laporan.pk, tahap=tahap, progres=round(persen * 0.7)
        ),
    )
    pengaturan = dinsos_selectors.pengaturan_semua()
    data["kop"] = {
        "instansi": pengaturan["laporan_kop_instansi"],
        "alamat": pengaturan["laporan_kop_alamat"],
        "logo": pengaturan["laporan_logo"],
    }
    waktu["susun"] = round(time.perf_counter() - mulai, 3)
    dibuat_at = timezone.now()
    judul = judul_laporan(laporan)
    laporan_progres(laporan_id=laporan.pk, tahap="Membuat PDF", progres=75)
    mulai = time.perf_counter()
    pdf = exporters.laporan_pdf(
        data=data,
        kop=data["kop"],
        judul=judul,
        dibuat_at=dibuat_at,
        versi=laporan.versi,
        with_sdm=True,
    )
    waktu["pdf"] = round(time.perf_counter() - mulai, 3)
    laporan_progres(laporan_id=laporan.pk, tahap="Membuat XLSX", progres=90)
    mulai = time.perf_counter()
    xlsx = exporters.laporan_xlsx(
        data=data, judul=judul, dibuat_at=dibuat_at, versi=laporan.versi, with_sdm=True
    )
    waktu["xlsx"] = round(time.perf_counter() - mulai, 3)
    with transaction.atomic():
        laporan.data = data
        laporan.dibuat_at = dibuat_at
        laporan.durasi = waktu
        laporan.status = LaporanBulanan.Status.SELESAI
        laporan.tahap = ""
        laporan.progres = 100
        laporan.berkas_pdf.save("laporan.pdf", ContentFile(pdf), save=False)
        laporan.berkas_xlsx.save("laporan.xlsx", ContentFile(xlsx), save=False)
        laporan.save(
            update_fields=[
                "data",
                "dibuat_at",
                "durasi",
                "status",
                "tahap",
                "progres",
                "berkas_pdf",
                "berkas_xlsx",
                "updated_at",
            ]
        )
    logger.info("laporan %s selesai: %s", laporan.pk, waktu)
    return laporan


def laporan_berkas_umum(*, laporan: LaporanBulanan, pdf: bool) -> FieldFile:
    """The report's stored file without the workforce section (for users who may not see
    it), made from the frozen figures (never live data) on the first call."""
    field = "berkas_pdf_umum" if pdf else "berkas_xlsx_umum"
    berkas: FieldFile = getattr(laporan, field)
    if berkas:
        return berkas
    judul = judul_laporan(laporan)
    dibuat_at = laporan.dibuat_at or laporan.updated_at
    if pdf:
        isi = exporters.laporan_pdf(
            data=laporan.data,
            kop=laporan.data.get("kop", {}),
            judul=judul,
            dibuat_at=dibuat_at,
            versi=laporan.versi,
            with_sdm=False,
        )
    else:
        isi = exporters.laporan_xlsx(
            data=laporan.data, judul=judul, dibuat_at=dibuat_at, versi=laporan.versi, with_sdm=False
        )
    berkas.save("umum.pdf" if pdf else "umum.xlsx", ContentFile(isi), save=False)
    # Only this column: two first downloads at once store the same content twice, harmlessly.
    LaporanBulanan.objects.filter(pk=laporan.pk).update(**{field: berkas.name})
    return berkas


def laporan_gagal(*, laporan_id: int, pesan: str) -> None:
    """Mark a build as failed with a message the office can read; "Buat ulang" retries."""
    LaporanBulanan.objects.filter(pk=laporan_id).exclude(
        status=LaporanBulanan.Status.SELESAI
    ).update(status=LaporanBulanan.Status.GAGAL, pesan_gagal=pesan, updated_at=timezone.now())


@transaction.atomic
def laporan_terjadwal(*, bulan: datetime.date) -> list[LaporanBulanan]:
    """The beat's monthly run: version 1 of the month's report for the city and for each
    kecamatan, for the caller to queue. Idempotent: an area that has any version of the month
    (made by hand or by an earlier run) is left alone, so two runs make one report."""
    bulan = awal_bulan(bulan)
    wilayah = Wilayah.objects.filter(
        tingkat__in=[Wilayah.Tingkat.KABUPATEN_KOTA, Wilayah.Tingkat.KECAMATAN],
        berlaku_sampai__isnull=True,
    ).order_by("kode")
    ada = set(LaporanBulanan.objects.filter(bulan=bulan).values_list("wilayah_id", flat=True))
    dibuat = []
    for w in wilayah:
        if w.pk in ada:
            continue
        laporan, is_baru = LaporanBulanan.objects.get_or_create(
            wilayah=w, bulan=bulan, versi=1, defaults={"sumber": LaporanBulanan.Sumber.JADWAL}
        )
        if is_baru:
            dibuat.append(laporan)
    return dibuat
