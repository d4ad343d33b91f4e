"""A small, hand-countable world for the rakor report of June 2025 (tests/laporan).

Metro Pusat (kelurahan Hadimulyo Barat) and Metro Timur (Iring Mulyo). Every figure the
tests expect is counted by hand in the comments next to the rows that make it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dinsos.formatting import JAKARTA
from dinsos.models import User, Wilayah
from dtsen.models import Kategori, Rekonsiliasi, Temuan
from kpm.models import Keluarga, Komponen, RiwayatStatus
from p2k2.models import Kehadiran, Kelompok, Modul, Pertemuan, Sesi
from pemutakhiran.models import Jenis as JenisPemutakhiran
from pemutakhiran.models import Status as StatusPemutakhiran
from pemutakhiran.models import Usulan as UsulanPemutakhiran
from pendamping.models import Pendamping
from pengaduan.models import Pengaduan, tiket_baru
from tests.factories import AnggotaFactory, keluarga_with_pengurus
from tests.pemutakhiran.helpers import buat as buat_usulan
from verifikasi.models import Graduasi, KandidatSekolahRakyat, Komitmen
from verifikasi.models import Usulan as UsulanPenangguhan

JUNI = datetime.date(2025, 6, 1)
K = Komponen


def waktu(day: datetime.date, jam: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(jam), tzinfo=JAKARTA)


@dataclass
class Dunia:
    kota: Wilayah
    metro_pusat: Wilayah
    metro_timur: Wilayah
    hadimulyo: Wilayah
    iringmulyo: Wilayah
    keluarga: dict[str, Keluarga]
    extra: dict[str, Any]


def _keluarga(kelurahan: Wilayah, status: str, terdaftar: datetime.date, **kw: Any) -> Keluarga:
    keluarga = keluarga_with_pengurus(
        kelurahan=kelurahan, status=status, tanggal_terdaftar=terdaftar, **kw
    )
    return keluarga


def _anak(keluarga: Keluarga, komponen: list[str], lahir: datetime.date) -> None:
    AnggotaFactory(keluarga=keluarga, komponen=komponen, tanggal_lahir=lahir, hubungan="anak")


def _riwayat(keluarga: Keluarga, ke: str, pada: datetime.datetime, oleh: User) -> None:
    row = RiwayatStatus.objects.create(
        keluarga=keluarga, dari="aktif", ke=ke, alasan="uji", oleh=oleh
    )
    RiwayatStatus.objects.filter(pk=row.pk).update(created_at=pada)


def pendamping_baru(nama: str, kode: str, **kw: Any) -> Pendamping:
    """A worker of kind `kode`, whether `jenis` is a code or a row of the kinds table."""
    is_fk = Pendamping._meta.get_field("jenis").is_relation
    return Pendamping.objects.create(nama=nama, **{"jenis_id" if is_fk else "jenis": kode}, **kw)


def bangun(kota_metro: dict[str, Wilayah], operator: User, pendamping: User) -> Dunia:
    hadimulyo, iringmulyo = kota_metro["Hadimulyo Barat"], kota_metro["Iring Mulyo"]
    S = Keluarga.Status
    kk: dict[str, Keluarga] = {}
    # Metro Pusat: 5 families (3 aktif, 1 ditangguhkan, 1 graduasi); 2 registered in
    # June, 1 in May.
    kk["a"] = _keluarga(hadimulyo, S.AKTIF, datetime.date(2025, 6, 10), pendamping=pendamping)
    kk["b"] = _keluarga(hadimulyo, S.AKTIF, datetime.date(2025, 6, 20), pendamping=pendamping)
    kk["c"] = _keluarga(hadimulyo, S.AKTIF, datetime.date(2025, 5, 20))
    kk["d"] = _keluarga(hadimulyo, S.DITANGGUHKAN, datetime.date(2021, 1, 4))
    kk["e"] = _keluarga(hadimulyo, S.GRADUASI, datetime.date(2021, 1, 4))
    # Metro Timur: 3 families (2 aktif, 1 dibatalkan).
    kk["f"] = _keluarga(iringmulyo, S.AKTIF, datetime.date(2021, 1, 4))
    kk["g"] = _keluarga(iringmulyo, S.AKTIF, datetime.date(2021, 1, 4))
    kk["h"] = _keluarga(iringmulyo, S.DIBATALKAN, datetime.date(2021, 1, 4))

    # Components (members in birth order). a: SD + SMP → Rp225.000 + Rp375.000 a tahap.
    _anak(kk["a"], [K.ANAK_SD], datetime.date(2016, 1, 1))
    _anak(kk["a"], [K.ANAK_SMP], datetime.date(2012, 1, 1))
    # b: 3 anak usia dini (the third is over the cap of 2) + ibu hamil + lansia: 5 kept
    # candidates... ibu hamil 3.000.000, 2 × AUD 3.000.000, lansia 2.400.000 = 4 paid,
    # 1 AUD dropped by the cap → Rp11.400.000 a year, Rp2.850.000 a tahap.
    AnggotaFactory(
        keluarga=kk["b"], komponen=[K.IBU_HAMIL], tanggal_lahir=datetime.date(1994, 1, 1)
    )
    AnggotaFactory(keluarga=kk["b"], komponen=[K.LANSIA], tanggal_lahir=datetime.date(1950, 1, 1))
    for year in (2021, 2022, 2023):
        _anak(kk["b"], [K.ANAK_USIA_DINI], datetime.date(year, 3, 1))
    # c: SMA, SD, SMP, disabilitas berat, korban HAM: 5 candidates, 4 highest kept
    # (HAM 10.800.000, disabilitas 2.400.000, SMA 2.000.000, SMP 1.500.000), SD dropped
    # → 16.700.000 a year, Rp4.175.000 a tahap.
    _anak(kk["c"], [K.ANAK_SMA], datetime.date(2008, 1, 1))
    _anak(kk["c"], [K.ANAK_SD], datetime.date(2015, 1, 1))
    _anak(kk["c"], [K.ANAK_SMP], datetime.date(2011, 1, 1))
    AnggotaFactory(
        keluarga=kk["c"], komponen=[K.DISABILITAS_BERAT], tanggal_lahir=datetime.date(1980, 1, 1)
    )
    AnggotaFactory(
        keluarga=kk["c"], komponen=[K.KORBAN_HAM], tanggal_lahir=datetime.date(1960, 1, 1)
    )
    # d is suspended: its SD child is not paid.
    _anak(kk["d"], [K.ANAK_SD], datetime.date(2016, 1, 1))
    # Family-level components as kpm derives them (the list's komponen filter reads these).
    for key, komponen in {
        "a": [K.ANAK_SD, K.ANAK_SMP],
        "b": [K.IBU_HAMIL, K.LANSIA, K.ANAK_USIA_DINI],
        "c": [K.ANAK_SMA, K.ANAK_SD, K.ANAK_SMP, K.DISABILITAS_BERAT, K.KORBAN_HAM],
        "d": [K.ANAK_SD],
    }.items():
        Keluarga.objects.filter(pk=kk[key].pk).update(komponen=komponen)

    # Status flows: d suspended in June and (again) in June; e graduated in June; h
    # cancelled in May.
    _riwayat(kk["d"], S.DITANGGUHKAN, waktu(datetime.date(2025, 6, 2)), operator)
    _riwayat(kk["d"], S.DITANGGUHKAN, waktu(datetime.date(2025, 6, 25)), operator)
    _riwayat(kk["e"], S.GRADUASI, waktu(datetime.date(2025, 6, 30), jam=23), operator)
    _riwayat(kk["h"], S.DIBATALKAN, waktu(datetime.date(2025, 5, 5)), operator)

    # Graduasi record of e (mandiri, 30 June), one paksa in March in Metro Timur.
    Graduasi.objects.create(
        keluarga=kk["e"],
        pendamping=pendamping,
        jenis=Graduasi.Jenis.MANDIRI,
        status=Graduasi.Status.DITERIMA,
        alasan="uji",
        tanggal_usulan=datetime.date(2025, 6, 1),
        tanggal_graduasi=datetime.date(2025, 6, 30),
        diusulkan_oleh=operator,
    )
    Graduasi.objects.create(
        keluarga=kk["h"],
        jenis=Graduasi.Jenis.PAKSA,
        status=Graduasi.Status.DITERIMA,
        alasan="uji",
        tanggal_usulan=datetime.date(2025, 3, 1),
        tanggal_graduasi=datetime.date(2025, 3, 10),
        diusulkan_oleh=operator,
    )

    # Komitmen June: a's SD child patuh, a's SMP child tidak patuh, c's SMA child patuh,
    # c's SD tidak dapat diverifikasi. Pendidikan compliance 2/3.
    anak_a = list(kk["a"].anggota.filter(hubungan="anak").order_by("tanggal_lahir"))
    anak_c = {a.komponen[0]: a for a in kk["c"].anggota.filter(hubungan="anak")}
    for anggota, komponen, status in (
        (anak_a[1], K.ANAK_SD, Komitmen.Status.PATUH),
        (anak_a[0], K.ANAK_SMP, Komitmen.Status.TIDAK_PATUH),
        (anak_c[K.ANAK_SMA], K.ANAK_SMA, Komitmen.Status.PATUH),
        (anak_c[K.ANAK_SD], K.ANAK_SD, Komitmen.Status.TIDAK_DAPAT_DIVERIFIKASI),
    ):
        Komitmen.objects.create(
            anggota=anggota,
            keluarga=anggota.keluarga,
            komponen=komponen,
            bulan=JUNI,
            status=status,
            recorded_by=operator,
        )

    # P2K2: one group in Hadimulyo Barat, 2 meetings in June (1 held, 1 planned), 1 held in
    # May. Attendance at the June meeting: a hadir, b alfa → 50%.
    kelompok = Kelompok.objects.create(nama="Melati", pendamping=pendamping, kelurahan=hadimulyo)
    # The curriculum is seed data (a migration); a transactional test flushed it.
    modul = Modul.objects.order_by("urutan").first() or Modul.objects.create(nama="Modul uji")
    sesi = modul.sesi.order_by("urutan").first() or Sesi.objects.create(
        modul=modul, urutan=1, judul="Sesi uji"
    )
    juni = Pertemuan.objects.create(
        kelompok=kelompok,
        sesi=sesi,
        tanggal=datetime.date(2025, 6, 12),
        status=Pertemuan.Status.TERLAKSANA,
        dibuat_oleh=pendamping,
    )
    Pertemuan.objects.create(
        kelompok=kelompok,
        tanggal=datetime.date(2025, 6, 26),
        topik="Adaptif",
        dibuat_oleh=pendamping,
    )
    Pertemuan.objects.create(
        kelompok=kelompok,
        sesi=sesi,
        tanggal=datetime.date(2025, 5, 12),
        status=Pertemuan.Status.TERLAKSANA,
        dibuat_oleh=pendamping,
    )
    Kehadiran.objects.create(
        pertemuan=juni, keluarga=kk["a"], status="hadir", recorded_by=pendamping
    )
    Kehadiran.objects.create(
        pertemuan=juni, keluarga=kk["b"], status="alfa", recorded_by=pendamping
    )

    # Complaints: 2 received in June in Metro Pusat (one answered in time and closed),
    # 1 in June in Metro Timur, 1 in May in Metro Pusat.
    pengaduan = []
    for kelurahan, diterima, jawab, tutup in (
        (hadimulyo, datetime.date(2025, 6, 3), datetime.date(2025, 6, 4), True),
        (hadimulyo, datetime.date(2025, 6, 16), None, False),
        (iringmulyo, datetime.date(2025, 6, 9), None, False),
        (hadimulyo, datetime.date(2025, 5, 9), None, False),
    ):
        pengaduan.append(
            Pengaduan.objects.create(
                tiket=tiket_baru(),
                tanggapan_publik="Sudah kami tangani." if tutup else "",
                kanal=Pengaduan.Kanal.LOKET,
                kategori=Pengaduan.Kategori.LAINNYA,
                deskripsi="uji",
                nama="Pengadu",
                kelurahan=kelurahan,
                kecamatan=kelurahan.parent,
                petugas=operator,
                tanggal_terima=diterima,
                tenggat_jawab=diterima + datetime.timedelta(days=7),
                tenggat_selesai=diterima + datetime.timedelta(days=20),
                tanggal_jawab=jawab,
                status=Pengaduan.Status.DITUTUP if tutup else Pengaduan.Status.DITERIMA,
                hasil=Pengaduan.Hasil.SELESAI if tutup else "",
                tanggal_tutup=jawab if tutup else None,
                dicatat_oleh=operator,
            )
        )

    _usulan_penangguhan(kk, operator)
    _temuan(kota_metro)
    _pemutakhiran(kk, operator, hadimulyo, iringmulyo)
    _sekolah_rakyat(kk, operator)

    # Workforce: 2 pendamping PKH (one with the account, Metro Pusat), 1 TKSK in Metro
    # Timur, 1 PSM who left in 2024 (not counted).
    profil = pendamping_baru(
        "Pendamping A", "pkh", user=pendamping, mulai=datetime.date(2020, 1, 1)
    )
    profil.wilayah.set([hadimulyo])
    kedua = pendamping_baru("Pendamping Dua", "pkh", mulai=datetime.date(2020, 1, 1))
    kedua.wilayah.set([kota_metro["Metro Pusat"]])
    tksk = pendamping_baru("Tksk Timur", "tksk", mulai=datetime.date(2020, 1, 1))
    tksk.wilayah.set([iringmulyo])
    psm = pendamping_baru(
        "Psm Lama", "psm", mulai=datetime.date(2020, 1, 1), selesai=datetime.date(2024, 12, 31)
    )
    psm.wilayah.set([hadimulyo])
    return Dunia(
        kota=kota_metro["Kota Metro"],
        metro_pusat=kota_metro["Metro Pusat"],
        metro_timur=kota_metro["Metro Timur"],
        hadimulyo=hadimulyo,
        iringmulyo=iringmulyo,
        keluarga=kk,
        extra={"pengaduan": pengaduan},
    )


def _usulan_penangguhan(kk: dict[str, Keluarga], operator: User) -> None:
    """Suspension proposals. Metro Pusat: c (komitmen) and b (P2K2 alfa) proposed in June,
    d (komitmen) proposed in May and accepted on 10 June. Metro Timur: f (komitmen)
    proposed and refused in June. City: 2 komitmen + 1 alfa made, 1 accepted, 1 refused."""
    S, J = UsulanPenangguhan.Status, UsulanPenangguhan.Jenis
    for key, jenis, dibuat, status, diputuskan in (
        ("c", J.KOMITMEN, datetime.date(2025, 6, 3), S.DIUSULKAN, None),
        ("b", J.P2K2_ALFA, datetime.date(2025, 6, 30), S.DIUSULKAN, None),
        ("d", J.KOMITMEN, datetime.date(2025, 5, 28), S.DITERIMA, datetime.date(2025, 6, 10)),
        ("f", J.KOMITMEN, datetime.date(2025, 6, 4), S.DITOLAK, datetime.date(2025, 6, 11)),
    ):
        usulan = UsulanPenangguhan.objects.create(
            keluarga=kk[key],
            jenis=jenis,
            kunci=f"uji-{key}",
            status=status,
            alasan={},
            ringkasan="uji",
            periode_awal=datetime.date(2025, 3, 1),
            periode_akhir=datetime.date(2025, 5, 1),
            diputuskan_oleh=operator if diputuskan else None,
            diputuskan_at=waktu(diputuskan) if diputuskan else None,
        )
        UsulanPenangguhan.objects.filter(pk=usulan.pk).update(created_at=waktu(dibuat, jam=23))


def _temuan(kota_metro: dict[str, Wilayah]) -> None:
    """Reconciliation findings. Metro Pusat: one found in June (open), one found in May and
    closed in June, one found in April (open). Metro Timur: one found and closed in June.
    City in June: found 2 (KPM tidak di DTSEN), closed 2 (one of each category)."""
    run = Rekonsiliasi.objects.create(
        jenis=Rekonsiliasi.Jenis.KPM_DTSEN,
        wilayah=kota_metro["Kota Metro"],
        status=Rekonsiliasi.Status.SELESAI,
    )
    K = Kategori
    for i, (kelurahan, kategori, dibuka, ditutup) in enumerate(
        (
            ("Hadimulyo Barat", K.KPM_TIDAK_DI_DTSEN, datetime.date(2025, 6, 5), None),
            ("Hadimulyo Barat", K.DESIL_DI_ATAS_PKH, datetime.date(2025, 5, 20), (2025, 6, 15)),
            ("Hadimulyo Barat", K.KPM_TIDAK_DI_DTSEN, datetime.date(2025, 4, 2), None),
            ("Iring Mulyo", K.KPM_TIDAK_DI_DTSEN, datetime.date(2025, 6, 7), (2025, 6, 20)),
        )
    ):
        temuan = Temuan.objects.create(
            jenis=run.jenis,
            wilayah=run.wilayah,
            kategori=kategori,
            kunci=f"uji-{i}",
            sidik=f"uji-laporan-{i}",
            kelurahan=kota_metro[kelurahan],
            kecamatan=kota_metro[kelurahan].parent,
            first_seen_run=run,
            last_seen_run=run,
            closed_run=run if ditutup else None,
            closed_at=waktu(datetime.date(*ditutup)) if ditutup else None,
            alasan_tutup=Temuan.AlasanTutup.ANOMALI_HILANG if ditutup else "",
        )
        Temuan.objects.filter(pk=temuan.pk).update(created_at=waktu(dibuka))


def _pemutakhiran(
    kk: dict[str, Keluarga], operator: User, hadimulyo: Wilayah, iringmulyo: Wilayah
) -> None:
    """DTSEN proposals of the June cycle. Hadimulyo Barat: a deactivation (submitted) of
    June, a proposal of May reflected on 3 June. Iring Mulyo: a PBI-JK reactivation of June
    reflected on 20 June. City: 2 proposals in June, 2 results known in June (both
    reflected), 1 reactivation."""
    JU, SU = JenisPemutakhiran, StatusPemutakhiran
    for key, kelurahan, jenis, bulan, status, hasil in (
        ("g", hadimulyo, JU.PENONAKTIFAN, JUNI, SU.DIAJUKAN, None),
        ("h", hadimulyo, JU.PENONAKTIFAN, JUNI.replace(month=5), SU.DITERIMA, (2025, 6, 3)),
        ("f", iringmulyo, JU.REAKTIVASI_PBIJK, JUNI, SU.DITERIMA, (2025, 6, 20)),
    ):
        extra = (
            {} if jenis == JU.PENONAKTIFAN else {"alasan": "", "nilai": {"nomor_surat_faskes": "1"}}
        )
        usulan = buat_usulan(
            oleh=operator, kelurahan=kelurahan, nik=kk[key].pengurus.nik, jenis=jenis, **extra
        )
        UsulanPemutakhiran.objects.filter(pk=usulan.pk).update(
            bulan=bulan,
            status=status,
            tanggal_hasil=datetime.date(*hasil) if hasil else None,
        )


def _sekolah_rakyat(kk: dict[str, Keluarga], operator: User) -> None:
    """Sekolah Rakyat home visits for the July 2025 intake, all in Metro Pusat: a's SD child
    confirmed on 5 June (parents agree), c's SMP child refused on 9 June, c's SMA child not
    met on 28 May. June: 3 candidates, 2 visits, 1 consent."""
    S = KandidatSekolahRakyat.Status
    anak_a = kk["a"].anggota.get(komponen=[K.ANAK_SD])
    anak_c = {a.komponen[0]: a for a in kk["c"].anggota.filter(hubungan="anak")}
    for anak, jenjang, status, hari in (
        (anak_a, "sd", S.DIKONFIRMASI, datetime.date(2025, 6, 5)),
        (anak_c[K.ANAK_SMP], "smp", S.TIDAK_SETUJU, datetime.date(2025, 6, 9)),
        (anak_c[K.ANAK_SMA], "sma", S.TIDAK_DITEMUI, datetime.date(2025, 5, 28)),
    ):
        KandidatSekolahRakyat.objects.create(
            anggota=anak,
            keluarga=anak.keluarga,
            tahun_ajaran=2025,
            tanggal_acuan=datetime.date(2025, 7, 1),
            jenjang=jenjang,
            umur=10,
            desil=1,
            tanggal_kunjungan=hari,
            is_persetujuan_ortu=status == S.DIKONFIRMASI,
            status=status,
            dicatat_oleh=operator,
        )
