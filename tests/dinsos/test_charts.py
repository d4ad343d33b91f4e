"""dinsos.charts: the geometry of every chart, and the one partial that draws them."""

from django.template.loader import render_to_string
from django.utils import translation

from dinsos import charts
from dinsos.charts import Deret, Entri, Warna


def _bar(batang: charts.Batang) -> tuple[float, float, float, float, bool]:
    return (batang.x, batang.y, batang.lebar, batang.tinggi, batang.has_nilai)


# --- Vertical bars -------------------------------------------------------------------------
def test_vertical_bars_stand_on_a_0_to_100_scale_in_their_slots() -> None:
    # given: January 50%, February no meeting, March 0%, April 100%
    entri = [
        Entri("J", 0.5, "50", "Januari: 50,0%"),
        Entri("F", None, charts.KOSONG, "Februari: belum ada pertemuan"),
        Entri("M", 0.0, "0", "Maret: 0,0%"),
        Entri("A", 1.0, "100", "April: 100,0%"),
    ]
    # when
    g = charts.batang_tegak("Kehadiran (%)", entri, maks=1.0, slot=12)
    # then: a slot is 26 units wide; a zero shows as a 1-unit sliver, a missing month as none
    assert [_bar(b) for b in g.batang] == [
        (3.0, 50.0, 20.0, 50.0, True),
        (29.0, 100.0, 20.0, 0.0, False),
        (55.0, 99.0, 20.0, 1.0, True),
        (81.0, 0.0, 20.0, 100.0, True),
    ]
    assert (g.lebar, g.tinggi, g.dasar_y, g.bentuk, g.is_kosong) == (
        312.0,
        116.0,
        100.0,
        "tegak",
        False,
    )
    assert [(b.label, b.label_x, b.label_y) for b in g.batang][:2] == [
        ("J", 13.0, 112.0),
        ("F", 39.0, 112.0),
    ]


def test_a_figure_goes_inside_a_bar_that_leaves_no_room_above_it() -> None:
    entri = [Entri("J", 0.89, "89", ""), Entri("F", 0.9, "90", ""), Entri("M", 1.0, "100", "")]
    g = charts.batang_tegak("Cakupan (%)", entri, maks=1.0)
    assert [(b.nilai_y, b.is_nilai_dalam) for b in g.batang] == [
        (8.0, False),  # 3 units above the bar's top at 11
        (18.0, True),  # 8 units below the top at 10
        (8.0, True),
    ]


def test_without_a_maximum_bars_scale_to_the_largest_figure() -> None:
    entri = [Entri("J", 2.0, "2,0", ""), Entri("F", 8.0, "8,0", ""), Entri("M", 4.0, "4,0", "")]
    g = charts.batang_tegak("Respon (hari)", entri)
    assert [b.tinggi for b in g.batang] == [25.0, 100.0, 50.0]
    assert g.lebar == 78.0  # one slot per entry when no `slot` is given


def test_a_figure_above_the_maximum_stops_at_a_full_bar() -> None:
    g = charts.batang_tegak("Kepuasan (1–5)", [Entri("J", 6.0, "6,0", "")], maks=5.0)
    assert g.batang[0].tinggi == 100.0


def test_a_chart_without_any_figure_says_so() -> None:
    entri = [Entri("J", None, charts.KOSONG, ""), Entri("F", None, charts.KOSONG, "")]
    g = charts.batang_tegak(
        "Kehadiran (%)", entri, maks=1.0, kosong="Belum ada data pada tahun ini."
    )
    assert (g.is_kosong, g.kosong) == (True, "Belum ada data pada tahun ini.")


def test_zeros_scaled_to_the_largest_figure_are_an_empty_chart() -> None:
    # nothing to scale against: all zero counts draw nothing
    assert charts.batang_tegak("Respon", [Entri("J", 0.0, "0,0", "")]).is_kosong is True
    # on a fixed scale, 0% is a figure and is drawn
    assert charts.batang_tegak("Cakupan", [Entri("J", 0.0, "0", "")], maks=1.0).is_kosong is False


# --- Horizontal bars -----------------------------------------------------------------------
def test_horizontal_bars_scale_to_the_largest_count_with_the_figure_after_the_bar() -> None:
    # given
    entri = [
        Entri("Metro Pusat", 12, "12", "Metro Pusat: 12"),
        Entri("Metro Timur", 3, "3", "Metro Timur: 3"),
        Entri("Metro Barat", 0, "0", "Metro Barat: 0", Warna.REDUP),
    ]
    # when
    g = charts.batang_mendatar("Temuan per kecamatan", entri)
    # then: the longest bar leaves 48 of the 300 units for its figure
    assert [_bar(b) for b in g.batang] == [
        (0.0, 12.0, 252.0, 14.0, True),
        (0.0, 42.0, 63.0, 14.0, True),
        (0.0, 72.0, 1.0, 14.0, True),
    ]
    assert [(b.label_y, b.nilai, b.nilai_x, b.nilai_y) for b in g.batang] == [
        (9.0, "12", 256.0, 23.0),
        (39.0, "3", 67.0, 53.0),
        (69.0, "0", 5.0, 83.0),
    ]
    assert [b.warna for b in g.batang] == [None, None, Warna.REDUP]
    assert (g.lebar, g.tinggi, g.bentuk, g.is_kosong) == (300.0, 90.0, "mendatar", False)


def test_an_empty_horizontal_chart_keeps_one_row_of_height() -> None:
    g = charts.batang_mendatar("Temuan per kategori", [])
    assert (g.tinggi, g.is_kosong, g.kosong) == (30.0, True, "Belum ada data.")


# --- Lines -----------------------------------------------------------------------------------
def test_lines_share_one_scale_and_one_step_per_point() -> None:
    # given: two runs of one kind, one run of another
    deret = [
        Deret("KPM dengan DTSEN", Warna.UTAMA, [("1 Maret 2025", 1200), ("1 April 2025", 600)]),
        Deret("PBI-JK dengan DTSEN", Warna.BAHAYA, [("1 Maret 2025", 0)]),
        Deret("KPM dengan PBI-JK", Warna.BERHASIL, []),
    ]
    # when
    g = charts.garis("Jumlah temuan per rekonsiliasi", deret)
    # then: 1.200 is the top (y 18), 0 the bottom (y 110); steps span 10..290
    assert [[(t.x, t.y) for t in s.titik] for s in g.seri] == [
        [(10.0, 18.0), (290.0, 64.0)],
        [(10.0, 110.0)],
        [],
    ]
    assert g.seri[0].points == "10.0,18.0 290.0,64.0"
    assert g.seri[0].titik[0].keterangan == "KPM dengan DTSEN, 1 Maret 2025: 1.200"
    assert (g.maks, g.is_kosong, g.bentuk, g.is_garis) == ("1.200", False, "garis", True)


def test_lines_without_runs_show_the_callers_sentence() -> None:
    g = charts.garis("Tren", [Deret("KPM dengan DTSEN", Warna.UTAMA, [])], kosong="Belum ada.")
    assert (g.is_kosong, g.kosong, g.maks) == (True, "Belum ada.", charts.KOSONG)


# --- The partial -----------------------------------------------------------------------------
def test_the_partial_writes_svg_numbers_with_a_decimal_point_in_indonesian() -> None:
    g = charts.batang_mendatar(
        "Kemajuan", [Entri("Belum diperiksa", 5, "5", "Belum diperiksa: 5", Warna.PERINGATAN)]
    )
    with translation.override("id"):
        html = render_to_string("dinsos/_chart.html", {"g": g})
    assert (
        '<rect class="grafik-batang grafik-warning" x="0.0" y="12.0" width="252.0" height="14.0">'
        in html
    )
    assert '<text class="grafik-label" x="0.0" y="9.0">Belum diperiksa</text>' in html
    assert "<title>Belum diperiksa: 5</title>" in html
    assert 'viewBox="0 0 300.0 30.0"' in html


def test_the_partial_draws_vertical_bars_on_a_base_line_without_bars_for_missing_figures() -> None:
    entri = [Entri("J", 1.0, "100", "Januari: 100,0%"), Entri("F", None, "", "Februari: —")]
    g = charts.batang_tegak("Cakupan layanan (%)", entri, maks=1.0, slot=12)
    with translation.override("id"):
        html = render_to_string("dinsos/_chart.html", {"g": g})
    assert '<line class="grafik-dasar" x1="0" y1="100.0" x2="312.0" y2="100.0" />' in html
    assert html.count('class="grafik-batang"') == 1
    assert '<text class="grafik-nilai grafik-nilai-dalam" x="13.0" y="8.0">100</text>' in html
    assert '<text class="grafik-label" x="39.0" y="112.0">F</text>' in html
    assert "<li>Februari: —</li>" in html  # the screen-reader list names every month


def test_the_partial_draws_lines_with_their_legend() -> None:
    g = charts.garis(
        "Tren", [Deret("KPM dengan DTSEN", Warna.UTAMA, [("Maret", 5), ("April", 10)])]
    )
    with translation.override("id"):
        html = render_to_string("dinsos/_chart.html", {"g": g})
    assert '<polyline class="grafik-seri grafik-primary" points="10.0,64.0 290.0,18.0">' in html
    assert '<circle class="grafik-titik grafik-primary" cx="290.0" cy="18.0" r="3">' in html
    assert '<span class="grafik-kunci grafik-primary"></span> KPM dengan DTSEN' in html
    assert ">maks 10</text>" in html


def test_the_partial_says_when_there_is_nothing_to_draw() -> None:
    g = charts.batang_mendatar("Temuan terbuka per kategori", [])
    html = render_to_string("dinsos/_chart.html", {"g": g})
    assert "<svg" not in html
    assert '<p class="small text-body-secondary mb-0">Belum ada data.</p>' in html
