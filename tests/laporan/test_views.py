"""The report's pages and files: stored, frozen, versioned, scoped, and linked to the lists."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from laporan import services
from laporan.models import LaporanBulanan
from tests.factories import keluarga_with_pengurus
from tests.laporan.dunia import JUNI, bangun
from tests.laporan.test_susun import MEI, status_berubah_sesudah_mei

pytestmark = pytest.mark.django_db

JUDUL_BAGIAN = [
    "1. KPM",
    "2. Bansos PKH",
    "3. P2K2",
    "4. Verifikasi komitmen",
    "5. Graduasi",
    "6. Sekolah Rakyat",
    "7. DTSEN dan PBI-JK",
    "8. Pengaduan",
]


@pytest.fixture
def dunia(kota_metro, operator, pendamping_hadimulyo):
    return bangun(kota_metro, operator, pendamping_hadimulyo)


def _buat(wilayah, oleh):
    laporan = services.laporan_minta(wilayah=wilayah, bulan=JUNI, oleh=oleh)
    return services.laporan_proses(laporan=laporan)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _download(client, name, laporan) -> bytes:
    response = client.get(reverse(name, args=[laporan.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_pdf_opens_with_every_section_heading_and_page_numbers(client, dunia, admin):
    # given
    laporan = _buat(dunia.kota, admin)
    client.force_login(admin)
    # when
    text = _pdf_text(_download(client, "laporan:laporan-pdf", laporan))
    # then
    for judul in [*JUDUL_BAGIAN, "9. SDM PSKS"]:
        assert judul in text
    assert "Dinas Sosial Kota Metro" in text
    assert "Laporan Rakor Bulanan Juni 2025 — Kota Metro" in text
    assert re.search(r"Halaman 1 dari \d+", text)
    assert "Pendamping A" in " ".join(text.split())  # names only in the workforce section


def test_xlsx_has_a_sheet_per_section_and_numbers_as_numbers(client, dunia, admin):
    laporan = _buat(dunia.kota, admin)
    client.force_login(admin)
    workbook = load_workbook(io.BytesIO(_download(client, "laporan:laporan-xlsx", laporan)))
    assert workbook.sheetnames == ["Keterangan", *JUDUL_BAGIAN, "9. SDM PSKS"]
    kpm = {row[0]: row[1:4] for row in workbook["1. KPM"].iter_rows(values_only=True) if row}
    assert kpm["Keluarga terdaftar"][0] == 8
    assert kpm["Keluarga baru"] == (2, 1, 3)
    bansos = {row[0]: row[1] for row in workbook["2. Bansos PKH"].iter_rows(values_only=True)}
    assert bansos["Hak tahap 2"] == 7_625_000


def test_operator_reads_the_report_without_the_workforce_section(client, dunia, admin, operator):
    laporan = _buat(dunia.kota, admin)
    client.force_login(operator)
    page = client.get(reverse("laporan:laporan-detail", args=[laporan.pk])).content.decode()
    assert "SDM PSKS" in page  # only the sentence saying it is for koordinator and admin
    assert 'data-testid="bagian-sdm"' not in page
    assert "Pendamping A" not in page
    text = _pdf_text(_download(client, "laporan:laporan-pdf", laporan))
    assert "8. Pengaduan" in text
    assert "9. SDM PSKS" not in text
    assert "Pendamping A" not in " ".join(text.split())
    workbook = load_workbook(io.BytesIO(_download(client, "laporan:laporan-xlsx", laporan)))
    assert workbook.sheetnames == ["Keterangan", *JUDUL_BAGIAN]


def test_the_report_without_the_workforce_section_is_made_once_and_kept(
    client, dunia, admin, operator, monkeypatch
):
    """Issue 21: WeasyPrint took ~0,9 s on every operator download; the file is kept."""
    from laporan import exporters

    laporan = _buat(dunia.kota, admin)
    client.force_login(operator)
    pertama = _download(client, "laporan:laporan-pdf", laporan)
    laporan.refresh_from_db()
    assert laporan.berkas_pdf_umum
    assert not laporan.berkas_xlsx_umum

    def tidak_dibuat_lagi(**kwargs):
        raise AssertionError("the stored file should be sent")

    monkeypatch.setattr(exporters, "laporan_pdf", tidak_dibuat_lagi)
    assert _download(client, "laporan:laporan-pdf", laporan) == pertama
    assert "9. SDM PSKS" not in _pdf_text(pertama)
    # the office's own file (with the section) is untouched
    client.force_login(admin)
    assert "9. SDM PSKS" in _pdf_text(_download(client, "laporan:laporan-pdf", laporan))


def test_stored_report_never_changes_and_buat_ulang_keeps_the_old_version(client, dunia, admin):
    # given: version 1, then a new family in June
    v1 = _buat(dunia.kota, admin)
    keluarga_with_pengurus(kelurahan=dunia.hadimulyo, tanggal_terdaftar=JUNI)
    client.force_login(admin)

    def terdaftar(laporan):
        response = client.get(reverse("laporan:laporan-detail", args=[laporan.pk]))
        bagian = response.context["bagian_list"][0]
        return next(a.nilai for a in bagian.angka if a.label == "Keluarga terdaftar")

    assert terdaftar(v1) == "8"
    # when: buat ulang
    response = client.post(
        reverse("laporan:laporan-create"), {"bulan": "2025-06-01", "wilayah": dunia.kota.pk}
    )
    v2 = LaporanBulanan.objects.get(versi=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("laporan:laporan-detail", args=[v2.pk])
    services.laporan_proses(laporan=v2)  # what the worker does
    # then
    assert terdaftar(v2) == "9"
    assert terdaftar(v1) == "8"
    page = client.get(reverse("laporan:laporan-detail", args=[v1.pk])).content.decode()
    assert "Versi 2" in page
    assert "Versi 1" in page


def test_buat_ulang_is_refused_while_a_version_is_being_built(client, dunia, admin):
    services.laporan_minta(wilayah=dunia.kota, bulan=JUNI, oleh=admin)  # waiting for a worker
    client.force_login(admin)
    response = client.post(
        reverse("laporan:laporan-create"), {"bulan": "2025-06-01", "wilayah": dunia.kota.pk}
    )
    assert response.status_code == 400
    assert "sedang disusun" in response.content.decode()
    assert LaporanBulanan.objects.count() == 1


def test_koordinator_reports_only_their_kecamatan(client, dunia, admin, koordinator_metro_pusat):
    # given
    kota = _buat(dunia.kota, admin)
    pusat = _buat(dunia.metro_pusat, admin)
    client.force_login(koordinator_metro_pusat)
    # when
    response = client.get(reverse("laporan:laporan-list"))
    # then
    assert list(response.context["laporan_list"]) == [pusat]
    pilihan = list(response.context["form"].fields["wilayah"].queryset)
    assert pilihan == [dunia.metro_pusat]
    assert client.get(reverse("laporan:laporan-detail", args=[kota.pk])).status_code == 404
    refused = client.post(
        reverse("laporan:laporan-create"), {"bulan": "2025-06-01", "wilayah": dunia.kota.pk}
    )
    assert refused.status_code == 400
    assert "Pilih wilayah dari daftar." in refused.content.decode()
    page = client.get(reverse("laporan:laporan-detail", args=[pusat.pk]))
    assert [b.kunci for b in page.context["bagian_list"]][-1] == "sdm"


def test_month_to_come_is_refused(client, dunia, admin):
    client.force_login(admin)
    response = client.post(
        reverse("laporan:laporan-create"), {"bulan": "2099-01-01", "wilayah": dunia.kota.pk}
    )
    assert response.status_code == 400
    assert LaporanBulanan.objects.count() == 0


def _links(data, kunci=None):
    for bagian in data["bagian"]:
        if kunci and bagian["kunci"] != kunci:
            continue
        for a in bagian["angka"]:
            if a["url"]:
                yield a["label"], a["url"], a["nilai"]
        for t in bagian["tabel"]:
            for row, links in zip(t["baris"], t["tautan"] or [], strict=False):
                for c, (nilai, url) in enumerate(zip(row, links, strict=True)):
                    if url:
                        yield f"{t['judul']} / {row[0]} / {t['kolom'][c]['judul']}", url, nilai


# Figures every report links (issue 19): a section without its links fails here.
DITAUTKAN = {
    "kpm": {"Keluarga terdaftar", "Keluarga masih didampingi", "Graduasi"},
    "p2k2": {
        "Pertemuan direncanakan",
        "Pertemuan terlaksana",
        "Usulan penangguhan karena alfa berturut-turut",
    },
    "komitmen": {
        "Usulan penangguhan (tidak patuh berturut-turut)",
        "Usulan diputuskan: diterima",
        "Usulan diputuskan: ditolak",
        "Kepatuhan per komponen / Anak SD/sederajat / Tidak patuh",
    },
    "graduasi": {"Graduasi bulan ini", "Graduasi per jenis / Graduasi mandiri / Bulan ini"},
    "sekolah_rakyat": {
        "Kandidat tercatat tahun ajaran 2025",
        "Kunjungan rumah",
        "Orang tua setuju (kunjungan bulan ini)",
    },
    "dtsen": {
        "Temuan dibuka",
        "Temuan ditutup",
        "Usulan pemutakhiran bulan ini",
        "Usulan tercermin di DTSEN",
        "Usulan reaktivasi PBI-JK",
        "Temuan rekonsiliasi per kategori / Anggota KPM tidak ada di DTSEN / Ditutup",
    },
    "pengaduan": {"Pengaduan diterima", "Dijawab dalam tenggat", "Selesai"},
}


@pytest.mark.parametrize("siapa", ["admin", "koordinator_metro_pusat"])
def test_every_linked_figure_equals_its_list(client, dunia, admin, siapa, request):
    # given: the city's report for the admin, Metro Pusat's for its koordinator
    user = request.getfixturevalue(siapa)
    wilayah = dunia.kota if siapa == "admin" else dunia.metro_pusat
    laporan = _buat(wilayah, admin)
    client.force_login(user)
    links = list(_links(laporan.data))
    assert len(links) >= 100
    for kunci, labels in DITAUTKAN.items():
        assert labels <= {label for label, _, _ in _links(laporan.data, kunci)}, kunci
    page = client.get(reverse("laporan:laporan-detail", args=[laporan.pk])).content.decode()
    for label, url, nilai in links:
        # then: the page links it, and the list behind it holds exactly that many rows
        assert f'href="{html.escape(url)}"' in page, label
        parts = urlsplit(url)
        response = client.get(f"{parts.path}?{parts.query}")
        assert response.status_code == 200, url
        assert response.context["page"].paginator.count == nilai, (label, url)


def test_month_end_figures_link_to_the_list_as_it_stood(client, dunia, admin, operator):
    # given: May's report, family i cancelled in June (aktif at the end of May)
    status_berubah_sesudah_mei(dunia, operator)
    laporan = services.laporan_proses(
        laporan=services.laporan_minta(wilayah=dunia.kota, bulan=MEI, oleh=admin)
    )
    client.force_login(admin)
    links = [link for link in _links(laporan.data) if "per=2025-05" in link[1]]
    assert len(links) >= 20
    for label, url, nilai in links:
        # then: each state figure equals the family list at the end of May, not today's
        parts = urlsplit(url)
        response = client.get(f"{parts.path}?{parts.query}")
        assert response.context["page"].paginator.count == nilai, (label, url)
    aktif = next(n for label, url, n in links if label.endswith("/ Aktif / Keluarga"))
    assert aktif == 6


@pytest.mark.parametrize("n", [1, 30])
def test_list_query_count_is_flat(n, client, dunia, admin, django_assert_max_num_queries):
    for i in range(n):
        LaporanBulanan.objects.create(
            wilayah=dunia.kota, bulan=JUNI, versi=i + 1, status=LaporanBulanan.Status.GAGAL
        )
    client.force_login(admin)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("laporan:laporan-list"))
    assert len(response.context["laporan_list"]) == min(n, 24)
    assert response.context["page"].paginator.count == n


def test_list_pages_through_stored_reports(client, dunia, admin):
    # given: 30 versions of June, newest first
    for i in range(30):
        LaporanBulanan.objects.create(
            wilayah=dunia.kota, bulan=JUNI, versi=i + 1, status=LaporanBulanan.Status.GAGAL
        )
    client.force_login(admin)
    # when
    pertama = client.get(reverse("laporan:laporan-list"))
    kedua = client.get(reverse("laporan:laporan-list"), {"page": 2})
    salah = client.get(reverse("laporan:laporan-list"), {"page": "x"})
    # then: 24 on the first page, the last 6 on the second, and the nav says where we are
    assert [r.versi for r in pertama.context["laporan_list"]] == list(range(30, 6, -1))
    assert [r.versi for r in kedua.context["laporan_list"]] == [6, 5, 4, 3, 2, 1]
    assert "Halaman 1 dari 2" in pertama.content.decode()
    assert 'href="?page=2"' in pertama.content.decode()
    assert "Laporan tersimpan (30)" in pertama.content.decode()
    assert salah.context["page"].number == 1


def test_beat_run_is_idempotent(dunia):
    # when: the monthly run twice
    pertama = services.laporan_terjadwal(bulan=JUNI)
    kedua = services.laporan_terjadwal(bulan=JUNI)
    # then: one report for the city and each of the five kecamatan, made once
    assert len(pertama) == 6
    assert kedua == []
    assert LaporanBulanan.objects.filter(bulan=JUNI).count() == 6
    assert {laporan.sumber for laporan in pertama} == {LaporanBulanan.Sumber.JADWAL}


def test_beat_leaves_a_month_made_by_hand_alone(dunia, admin):
    _buat(dunia.kota, admin)
    dibuat = services.laporan_terjadwal(bulan=JUNI)
    assert dunia.kota not in [laporan.wilayah for laporan in dibuat]
    assert LaporanBulanan.objects.filter(wilayah=dunia.kota).count() == 1
