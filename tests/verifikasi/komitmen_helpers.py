"""Builders for the komitmen, graduasi and Sekolah Rakyat tests (hand-built histories)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from dinsos.bulan import awal_bulan
from dinsos.models import User, Wilayah
from dinsos.pengaturan import today
from kpm.models import Anggota, Keluarga
from tests.factories import AnggotaFactory, keluarga_with_pengurus
from verifikasi import services
from verifikasi.models import Komitmen, Usulan

P, TP, TDV = "patuh", "tidak_patuh", "tidak_diverifikasi"


def keluarga_komitmen(
    *,
    kelurahan: Wilayah,
    pendamping: User | None,
    ibu: str = "Siti Aminah",
    anak: str = "Budi",
    anak_lahir: datetime.date = datetime.date(2015, 3, 14),
    **kwargs: object,
) -> tuple[Keluarga, Anggota, Anggota]:
    """A family: the mother (pregnant: ibu hamil) and one SD child (anak SD)."""
    keluarga = keluarga_with_pengurus(
        kelurahan=kelurahan,
        pendamping=pendamping,
        pengurus_nama=ibu,
        pengurus_is_hamil=True,
        pengurus_komponen=["ibu_hamil"],
        **kwargs,
    )
    child = AnggotaFactory(
        keluarga=keluarga,
        nama=anak,
        jenis_kelamin="L",
        tanggal_lahir=anak_lahir,
        hubungan=Anggota.Hubungan.ANAK,
        jenjang_sekolah=Anggota.Jenjang.SD,
        komponen=["anak_sd"],
    )
    keluarga.komponen = ["anak_sd", "ibu_hamil"]
    keluarga.save(update_fields=["komponen"])
    return keluarga, keluarga.pengurus, child


def bulan(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def catat(
    anggota: Anggota,
    komponen: str,
    month: datetime.date,
    oleh: User,
    status: str = "",
    persen: str | None = None,
    catatan: str = "",
) -> None:
    services.komitmen_record(
        entri=[
            services.EntriKomitmen(
                anggota_id=anggota.pk,
                komponen=komponen,
                status=status,
                persen_kehadiran=Decimal(persen) if persen is not None else None,
                catatan=catatan,
            )
        ],
        bulan=month,
        oleh=oleh,
    )


def riwayat(anggota: Anggota, komponen: str, oleh: User, statuses: list[str], mulai=(2025, 1)):
    """One status per month from `mulai`; "" leaves the month unrecorded."""
    year, month = mulai
    for index, status in enumerate(statuses):
        day = awal_bulan(bulan(year, month), geser=index)
        if status:
            catatan = "alasan" if status == TDV else ""
            catat(anggota, komponen, day, oleh, status=status, catatan=catatan)


def komitmen_count() -> int:
    return Komitmen.objects.count()


def pelanggaran_berulang(keluarga: Keluarga, *, jumlah: int = 2, geser: int = 0) -> list[Usulan]:
    """Issue 20 (D6): runs the komitmen rules found for the family (what graduasi paksa needs),
    one per quarter back from `geser` quarters ago, as the evaluation would have written them."""
    hari = today()
    runs = []
    for i in range(geser, geser + jumlah):
        akhir = awal_bulan(hari, geser=-3 * i) - datetime.timedelta(days=1)
        awal = awal_bulan(akhir, geser=-2)
        runs.append(
            Usulan.objects.create(
                keluarga=keluarga,
                jenis=Usulan.Jenis.KOMITMEN,
                kunci=awal.strftime("%Y-%m"),
                alasan={"ringkasan": "Uji"},
                ringkasan="Tidak patuh komitmen 3 bulan berturut-turut.",
                periode_awal=awal,
                periode_akhir=akhir,
            )
        )
    return runs
