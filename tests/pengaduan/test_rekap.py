"""Monthly figures: by category, channel and kecamatan; each equals the list it links to."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pengaduan import services
from pengaduan.models import Pengaduan
from tests.pengaduan.helpers import buat_pengaduan

D = datetime.date


@pytest.fixture
def maret(operator, kota_metro):
    """March 2025: 3 from Metro Pusat (2 bansos by loket, 1 PBI-JK by phone), 1 from Metro
    Timur; one answered in time and closed, one answered late; one in April (not counted)."""
    pusat, timur = kota_metro["Hadimulyo Barat"], kota_metro["Iring Mulyo"]
    a = buat_pengaduan(oleh=operator, kelurahan=pusat, tanggal_terima=D(2025, 3, 3))
    b = buat_pengaduan(oleh=operator, kelurahan=pusat, tanggal_terima=D(2025, 3, 4))
    buat_pengaduan(
        oleh=operator,
        kelurahan=pusat,
        tanggal_terima=D(2025, 3, 5),
        kategori="pbijk_nonaktif",
        kanal="telepon",
    )
    buat_pengaduan(oleh=operator, kelurahan=timur, tanggal_terima=D(2025, 3, 20))
    buat_pengaduan(oleh=operator, kelurahan=pusat, tanggal_terima=D(2025, 4, 1))
    services.pengaduan_tutup(pengaduan=a, hasil="selesai", tanggapan="Sudah cair.", oleh=operator)
    services.pengaduan_tanggapi(pengaduan=b, tanggapan="Diperiksa.", oleh=operator)
    # answered on the deadline day and the day after it
    Pengaduan.objects.filter(pk=a.pk).update(
        tanggal_jawab=a.tenggat_jawab, tanggal_tutup=D(2025, 3, 10)
    )
    Pengaduan.objects.filter(pk=b.pk).update(tanggal_jawab=b.tenggat_jawab + datetime.timedelta(1))


def _rows(baris):
    return [(b.label, b.diterima, b.dijawab_tepat, b.ditutup) for b in baris if b.diterima]


def test_the_figures_of_the_month(client, operator, maret):
    client.force_login(operator)
    rekap = client.get(reverse("pengaduan:rekap"), {"bulan": "2025-03"}).context["rekap"]
    assert (rekap.total.diterima, rekap.total.dijawab_tepat, rekap.total.ditutup) == (4, 1, 1)
    assert _rows(rekap.per_kategori) == [
        ("Bansos tidak diterima", 3, 1, 1),
        ("PBI-JK nonaktif", 1, 0, 0),
    ]
    assert _rows(rekap.per_kanal) == [("Loket", 3, 1, 1), ("Telepon/WA", 1, 0, 0)]
    assert _rows(rekap.per_kecamatan) == [("Metro Pusat", 3, 1, 1), ("Metro Timur", 1, 0, 0)]
    assert len(rekap.per_kategori) == 7  # every category, even at 0


def test_each_figure_equals_the_rows_its_link_opens(client, operator, maret):
    client.force_login(operator)
    rekap = client.get(reverse("pengaduan:rekap"), {"bulan": "2025-03"}).context["rekap"]
    for baris in [rekap.total, *rekap.per_kategori, *rekap.per_kanal, *rekap.per_kecamatan]:
        for jumlah, url in (
            (baris.diterima, baris.url_diterima),
            (baris.dijawab_tepat, baris.url_dijawab_tepat),
            (baris.ditutup, baris.url_ditutup),
        ):
            assert client.get(url).context["page"].paginator.count == jumlah, url


def test_the_koordinator_counts_only_their_area(client, koordinator_metro_pusat, maret):
    client.force_login(koordinator_metro_pusat)
    rekap = client.get(reverse("pengaduan:rekap"), {"bulan": "2025-03"}).context["rekap"]
    assert _rows(rekap.per_kecamatan) == [("Metro Pusat", 3, 1, 1)]


def test_xlsx_holds_the_same_figures(client, operator, maret):
    client.force_login(operator)
    response = client.get(reverse("pengaduan:rekap-xlsx"), {"bulan": "2025-03"})
    assert response["Content-Disposition"] == (
        'attachment; filename="rekap-pengaduan-2025-03.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("Rekap pengaduan Maret 2025", None, None, None)
    assert ("Kategori", "Diterima", "Dijawab tepat waktu", "Selesai") in rows
    assert ("Bansos tidak diterima", 3, 1, 1) in rows
    assert ("Metro Timur", 1, 0, 0) in rows
    assert rows.count(("Jumlah", 4, 1, 1)) == 3
