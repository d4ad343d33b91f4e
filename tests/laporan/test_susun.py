"""Each section's figures against the hand-counted world of tests/laporan/dunia.py."""

from __future__ import annotations

import dataclasses
import datetime
import json
import random

import pytest

from kpm.komponen import Aturan, hak_keluarga
from kpm.models import Anggota, Keluarga, Komponen, RiwayatStatus
from laporan import selectors
from laporan.selectors.registri import _hak_per_komponen, _nominal
from tests.factories import AnggotaFactory, keluarga_with_pengurus
from tests.laporan.dunia import JUNI, bangun, waktu
from tests.laporan.dunia import _keluarga as keluarga_baru

pytestmark = pytest.mark.django_db


@pytest.fixture
def dunia(kota_metro, operator, pendamping_hadimulyo):
    return bangun(kota_metro, operator, pendamping_hadimulyo)


@pytest.fixture
def kota(dunia):
    return selectors.laporan_susun(wilayah=dunia.kota, bulan=JUNI)


def _bagian(data, kunci):
    return next(b for b in data["bagian"] if b["kunci"] == kunci)


def _angka(data, kunci):
    return {a["label"]: (a["nilai"], a["lalu"], a["tahun"]) for a in _bagian(data, kunci)["angka"]}


def _tabel(data, kunci, judul):
    tabel = next(t for t in _bagian(data, kunci)["tabel"] if t["judul"].startswith(judul))
    return {row[0]: row[1:] for row in tabel["baris"]}


def test_figures_are_json_and_in_section_order(kota):
    assert json.loads(json.dumps(kota)) == kota
    assert [b["kunci"] for b in kota["bagian"]] == [
        "kpm", "bansos", "p2k2", "komitmen", "graduasi", "sekolah_rakyat", "dtsen",
        "pengaduan", "sdm",
    ]  # fmt: skip


def test_kpm(kota):
    angka = _angka(kota, "kpm")
    assert angka["Keluarga terdaftar"][0] == 8
    assert angka["Keluarga masih didampingi"][0] == 6  # 5 aktif + 1 ditangguhkan
    # a 3 members, b 6, c 6, d 2; e, f, g, h 1 each
    assert angka["Anggota keluarga (jiwa)"][0] == 21
    assert angka["Keluarga baru"] == (2, 1, 3)
    assert angka["Ditangguhkan"] == (1, 0, 1)  # d twice in June: one family
    assert angka["Graduasi"] == (1, 0, 1)  # 30 June 23.00 WIB is still June
    assert angka["Dibatalkan"] == (0, 1, 1)
    status = _tabel(kota, "kpm", "Keluarga dan anggota per status")
    assert status["Aktif"] == [5, 17]
    assert status["Ditangguhkan"] == [1, 2]
    komponen = _tabel(kota, "kpm", "Keluarga didampingi per komponen")
    assert komponen["Anak SD/sederajat"] == [3]  # a, c, d
    assert komponen["Lanjut usia"] == [1]
    kecamatan = _tabel(kota, "kpm", "Keluarga per kecamatan")
    assert kecamatan["Metro Pusat"] == [3, 1, 0, 1, 0, 5]
    assert kecamatan["Metro Timur"] == [2, 0, 0, 0, 1, 3]
    assert kecamatan["Metro Barat"] == [0, 0, 0, 0, 0, 0]


def test_bansos_applies_the_caps_and_the_dated_amounts(kota):
    angka = _angka(kota, "bansos")
    assert angka["Keluarga berhak tahap 2"][0] == 3  # a, b, c; d is suspended
    # a 600.000 + b 2.850.000 + c 4.175.000
    assert angka["Hak tahap 2"][0] == 7_625_000
    assert angka["Komponen melebihi batas (tidak dibayar)"][0] == 2  # b's 3rd AUD, c's SD
    per = _tabel(kota, "bansos", "Hak tahap 2")
    assert per["Anak SD/sederajat"] == [1, 225_000]
    assert per["Anak SMP/sederajat"] == [2, 750_000]
    assert per["Anak usia dini"] == [2, 1_500_000]
    assert per["Korban pelanggaran HAM berat"] == [1, 2_700_000]
    assert "Belum ada data penyaluran" in " ".join(_bagian(kota, "bansos")["catatan"])


def test_p2k2(kota):
    angka = _angka(kota, "p2k2")
    assert angka["Kelompok P2K2"][0] == 1
    assert angka["Pertemuan direncanakan"][0] == 2
    assert angka["Pertemuan terlaksana"] == (1, 1, 2)
    assert angka["Tingkat kehadiran"][0] == 0.5
    assert _tabel(kota, "p2k2", "Kehadiran keluarga")["Alfa"] == [1, 0.5]


def test_komitmen(kota):
    angka = _angka(kota, "komitmen")
    assert angka["Komitmen diverifikasi"][0] == 4
    assert angka["Tingkat kepatuhan"][0] == pytest.approx(2 / 3)
    per = _tabel(kota, "komitmen", "Kepatuhan per komponen")
    assert per["Anak SMP/sederajat"] == [0, 1, 0, 0.0]
    assert per["Anak SD/sederajat"] == [1, 0, 1, 1.0]


def test_suspension_proposals_made_and_decided_in_june(kota, dunia):
    komitmen = _angka(kota, "komitmen")
    assert komitmen["Usulan penangguhan (tidak patuh berturut-turut)"] == (2, 1, 3)  # c f; d
    assert komitmen["Usulan diputuskan: diterima"][0] == 1  # d, proposed in May
    assert komitmen["Usulan diputuskan: ditolak"][0] == 1  # f
    assert _angka(kota, "p2k2")["Usulan penangguhan karena alfa berturut-turut"][0] == 1  # b
    pusat = selectors.laporan_susun(wilayah=dunia.metro_pusat, bulan=JUNI)
    assert _angka(pusat, "komitmen")["Usulan diputuskan: ditolak"][0] == 0  # f is Timur's


def test_dtsen_findings_and_proposals(kota):
    angka = _angka(kota, "dtsen")
    assert angka["Temuan dibuka"][0] == 2
    assert angka["Temuan ditutup"][0] == 2
    temuan = _tabel(kota, "dtsen", "Temuan rekonsiliasi per kategori")
    assert temuan["Anggota KPM tidak ada di DTSEN"] == [2, 1]
    assert temuan["Desil KPM di atas batas PKH"] == [0, 1]
    assert angka["Usulan pemutakhiran bulan ini"][0] == 2  # g's of June, f's reactivation
    assert angka["Usulan tercermin di DTSEN"][0] == 2  # h's (May) and f's, known in June
    assert angka["Usulan reaktivasi PBI-JK"][0] == 1


def test_sekolah_rakyat_visits(kota):
    angka = _angka(kota, "sekolah_rakyat")
    assert angka["Kandidat tercatat tahun ajaran 2025"][0] == 3
    assert angka["Kunjungan rumah"] == (2, 1, 3)  # 5 and 9 June; 28 May
    assert angka["Orang tua setuju (kunjungan bulan ini)"][0] == 1
    hasil = _tabel(kota, "sekolah_rakyat", "Kandidat tahun ajaran 2025")
    assert hasil["Dikonfirmasi, orang tua setuju"] == [1, 0, 0, 1]


def test_graduasi_against_the_yearly_target(kota):
    angka = _angka(kota, "graduasi")
    assert angka["Graduasi bulan ini"] == (1, 0, 2)  # e in June, h in March
    assert angka["Target tahunan kantor"][0] == 20  # DOMAIN.md §5: 10 × 2 pendamping PKH
    assert angka["Capaian terhadap target tahunan"][0] == 0.1
    assert angka["Target sampai bulan ini (proporsional)"][0] == 10


def test_pengaduan(kota):
    angka = _angka(kota, "pengaduan")
    assert angka["Pengaduan diterima"] == (3, 1, 4)
    assert angka["Dijawab dalam tenggat"][0] == 1
    assert angka["Selesai"][0] == 1


def test_sdm_counts_workers_in_service(kota):
    bagian = _bagian(kota, "sdm")
    assert bagian["is_terbatas"] is True
    assert _angka(kota, "sdm")["Tenaga PSKS bertugas"][0] == 3  # the PSM left in 2024
    jenis = _tabel(kota, "sdm", "Tenaga PSKS per jenis")
    assert jenis["Pendamping PKH"] == [2]
    assert jenis["TKSK"] == [1]
    assert jenis["PSM"] == [0]
    nama = [
        row[0]
        for row in next(t for t in bagian["tabel"] if t["judul"] == "Kinerja per pendamping")[
            "baris"
        ]
    ]
    assert nama == ["Pendamping A", "Pendamping Dua", "Tksk Timur"]


def test_names_appear_only_in_the_workforce_section(kota):
    tanpa_sdm = json.dumps([b for b in kota["bagian"] if b["kunci"] != "sdm"])
    assert "Pendamping A" not in tanpa_sdm
    assert "Warga Uji" not in json.dumps(kota)  # family members never


def test_kecamatan_report_covers_only_the_kecamatan(dunia):
    # when
    data = selectors.laporan_susun(wilayah=dunia.metro_pusat, bulan=JUNI)
    # then
    assert _angka(data, "kpm")["Keluarga terdaftar"][0] == 5
    assert list(_tabel(data, "kpm", "Keluarga per kecamatan")) == ["Metro Pusat"]
    assert _angka(data, "pengaduan")["Pengaduan diterima"] == (2, 1, 3)
    assert _angka(data, "graduasi")["Graduasi bulan ini"] == (1, 0, 1)  # not h (Timur)
    assert _angka(data, "sdm")["Tenaga PSKS bertugas"][0] == 2  # not the TKSK of Timur
    assert _angka(data, "bansos")["Hak tahap 2"][0] == 7_625_000


MEI = JUNI.replace(month=5)


def status_berubah_sesudah_mei(dunia, operator):
    """Family i: registered on 1 April, but its registration row was written on 5 June
    (entered late), then cancelled on 15 June. At the end of May it was aktif."""
    i = keluarga_baru(dunia.hadimulyo, Keluarga.Status.DIBATALKAN, datetime.date(2025, 4, 1))
    for dari, ke, hari in (("", "aktif", 5), ("aktif", "dibatalkan", 15)):
        row = RiwayatStatus.objects.create(
            keluarga=i, dari=dari, ke=ke, alasan="uji", oleh=operator
        )
        RiwayatStatus.objects.filter(pk=row.pk).update(created_at=waktu(JUNI.replace(day=hari)))
    return i


def test_kpm_status_at_the_end_of_may_replays_the_status_history(dunia, operator):
    # given: the world of June, and family i registered in April, cancelled in June
    status_berubah_sesudah_mei(dunia, operator)
    # when
    mei = selectors.laporan_susun(wilayah=dunia.kota, bulan=MEI)
    # then: a and b registered in June are not there yet; d (suspended 2 June), e
    # (graduated 30 June) and i (cancelled 15 June) were still aktif; h was cancelled in May
    angka = _angka(mei, "kpm")
    assert angka["Keluarga terdaftar"][0] == 7  # c d e f g h i
    assert angka["Keluarga masih didampingi"][0] == 6
    status = _tabel(mei, "kpm", "Keluarga dan anggota per status")
    assert status["Aktif"] == [6, 12]  # c 6 members, d 2, e f g i 1 each
    assert status["Ditangguhkan"] == [0, 0]
    assert status["Graduasi"] == [0, 0]
    assert status["Dibatalkan"] == [1, 1]  # h
    kecamatan = _tabel(mei, "kpm", "Keluarga per kecamatan")
    assert kecamatan["Metro Pusat"] == [4, 0, 0, 0, 0, 4]  # c d e i
    assert kecamatan["Metro Timur"] == [2, 0, 0, 0, 1, 3]
    # and the aid of tahap 2 goes to the families paid at the end of May: c, and d's SD
    bansos = _angka(mei, "bansos")
    assert bansos["Keluarga berhak tahap 2"][0] == 2
    assert bansos["Hak tahap 2"][0] == 4_175_000 + 225_000
    assert bansos["Komponen melebihi batas (tidak dibayar)"][0] == 1  # c's SD
    catatan = " ".join(_bagian(mei, "kpm")["catatan"])
    assert "Status keluarga per akhir bulan" in catatan
    assert "keadaan saat laporan disusun" in catatan
    # while June's report, after every change, counts the statuses of today
    juni = _tabel(selectors.laporan_susun(wilayah=dunia.kota, bulan=JUNI), "kpm", "Keluarga dan")
    assert juni["Dibatalkan"] == [2, 2]  # h and i


@pytest.mark.parametrize("pilih_tertinggi", [True, False])
def test_entitlement_statement_agrees_with_the_kpm_rule(kota_metro, pilih_tertinggi):
    # given: 40 families with random members and components, many over the caps
    acak = random.Random(19)
    semua = [c.value for c in Komponen]
    sering = [Komponen.IBU_HAMIL.value, Komponen.ANAK_USIA_DINI.value]
    for _ in range(40):
        keluarga = keluarga_with_pengurus(
            kelurahan=kota_metro["Hadimulyo Barat"], tanggal_terdaftar=datetime.date(2024, 1, 1)
        )
        for _ in range(acak.randint(1, 7)):
            komponen = acak.sample(semua + sering * 3, acak.randint(1, 2))
            AnggotaFactory(
                keluarga=keluarga,
                komponen=list(dict.fromkeys(komponen)),
                tanggal_lahir=datetime.date(acak.randint(1950, 2023), acak.randint(1, 12), 1),
            )
    k = selectors.konteks_buat(wilayah=kota_metro["Kota Metro"], bulan=JUNI)
    k = dataclasses.replace(
        k, pengaturan={**k.pengaturan, "komponen_pilih_tertinggi": pilih_tertinggi}
    )
    nominal, _ = _nominal(JUNI.year)
    aturan = Aturan.dari_pengaturan(k.pengaturan)
    # when
    hasil, keluarga_dibayar, dropped, _ = _hak_per_komponen(k)
    # then: the same as kpm.komponen.hak_keluarga family by family
    harap: dict[str, list[int]] = {}
    harap_keluarga = harap_dropped = 0
    anggota = Anggota.objects.order_by("keluarga_id", "tanggal_lahir", "pk")
    per_keluarga: dict[int, list[tuple[int, str]]] = {}
    for a in anggota:
        for c in a.komponen:
            per_keluarga.setdefault(a.keluarga_id, []).append((a.pk, c))
    for pasangan in per_keluarga.values():
        hak = hak_keluarga(pasangan, nominal=nominal, aturan=aturan, tahun=JUNI.year)
        for b in hak.dibayar:
            n, rp = harap.get(b.komponen, [0, 0])
            harap[b.komponen] = [n + 1, rp + b.nominal_tahunan]
        harap_dropped += len(hak.tidak_dibayar)
        harap_keluarga += any(b.nominal_tahunan > 0 for b in hak.dibayar)
    assert {c: list(v) for c, v in hasil.items() if v[0]} == harap
    assert (keluarga_dibayar, dropped) == (harap_keluarga, harap_dropped)
    assert harap_dropped > 10  # the caps were exercised
