"""The import and desil-change pages: roles, areas, uploads, apply, exports, query counts."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dinsos.formatting import tanggal_jam
from dinsos.models import AuditEvent
from dtsen import services
from dtsen.models import Snapshot
from tests.dtsen.conftest import IRINGMULYO_BPS, orang, write_csv

pytestmark = pytest.mark.django_db
JUNI = datetime.date(2025, 6, 30)
SEPTEMBER = datetime.date(2025, 9, 30)


@pytest.fixture
def siap(muat, tmp_path):
    """A loaded snapshot with one rejected row, ready for review."""
    rows = [orang(1, kk=1), orang(2, kk=1, desil="11")]
    return muat(write_csv(tmp_path / "siap.csv", rows))


@pytest.mark.parametrize(
    ("_case", "persona", "status"),
    [
        ("admin", "admin", 200),
        ("operator", "operator", 403),
        ("koordinator", "koordinator_metro_pusat", 403),
        ("pendamping", "pendamping_hadimulyo", 403),
    ],
)
def test_only_admins_use_the_import_pages(client, request, siap, _case, persona, status):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for url in (
        reverse("dtsen:snapshot-list"),
        reverse("dtsen:snapshot-create"),
        reverse("dtsen:snapshot-detail", args=[siap.pk]),
        reverse("dtsen:snapshot-report", args=[siap.pk]),
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("persona", ["operator", "koordinator_metro_pusat"])
def test_others_cannot_apply_and_nothing_changes(client, request, siap, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("dtsen:snapshot-apply", args=[siap.pk]), {"konfirmasi": "on"})
    assert response.status_code == 403
    siap.refresh_from_db()
    assert siap.status == Snapshot.Status.SIAP_DITINJAU
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.APPLY).exists()


def test_upload_stores_the_file_and_queues_the_load(
    client, admin, kota_metro, tmp_path, django_capture_on_commit_callbacks
):
    # given
    path = write_csv(tmp_path / "dtsen.csv", [orang(1)])
    client.force_login(admin)
    data = {"jenis": "dtsen", "tanggal_data": "2025-06-30", "wilayah": kota_metro["Kota Metro"].pk}
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks, path.open("rb") as f:
        response = client.post(reverse("dtsen:snapshot-create"), {**data, "file": f})
    # then
    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dtsen:snapshot-detail", args=[snapshot.pk])
    assert (snapshot.status, snapshot.nama_file, snapshot.ukuran_file) == (
        Snapshot.Status.DIUNGGAH,
        "dtsen.csv",
        path.stat().st_size,
    )
    assert snapshot.file.read() == path.read_bytes()
    assert len(callbacks) == 1  # the load task, sent after commit
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1


def test_the_same_file_uploaded_again_is_recognised(client, admin, kota_metro, tmp_path):
    # given
    path = write_csv(tmp_path / "dtsen.csv", [orang(1)])
    client.force_login(admin)
    data = {"jenis": "dtsen", "tanggal_data": "2025-06-30", "wilayah": kota_metro["Kota Metro"].pk}
    with path.open("rb") as f:
        client.post(reverse("dtsen:snapshot-create"), {**data, "file": f})
    first = Snapshot.objects.get()
    # when: the same bytes under another name
    copy = tmp_path / "salinan.csv"
    copy.write_bytes(path.read_bytes())
    with copy.open("rb") as f:
        response = client.post(reverse("dtsen:snapshot-create"), {**data, "file": f})
    # then
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        f"File ini sudah pernah diunggah pada {tanggal_jam(first.created_at)} oleh Admin "
        "(status: Menunggu diproses)."
    ]
    assert Snapshot.objects.count() == 1


def test_apply_needs_the_confirmation(client, admin, siap):
    client.force_login(admin)
    url = reverse("dtsen:snapshot-apply", args=[siap.pk])
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert refused.context["terapkan_form"].errors["konfirmasi"] == [
        "Centang konfirmasi sebelum menerapkan."
    ]
    accepted = client.post(url, {"konfirmasi": "on"})
    assert accepted.status_code == 302
    siap.refresh_from_db()
    assert siap.status == Snapshot.Status.DITERAPKAN


def test_error_report_lists_each_problem_and_is_audited(client, admin, siap):
    client.force_login(admin)
    response = client.get(reverse("dtsen:snapshot-report", args=[siap.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows == [
        ("Baris", "Kolom", "Jenis", "Keterangan"),
        (
            3,
            "desil_nasional",
            "Ditolak",
            "desil nasional harus angka 1–10 (tertulis '11'); kosongkan bila belum ada desil",
        ),
    ]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.object_id, event.jumlah) == (str(siap.pk), 1)


def test_progress_asks_the_page_to_refresh_when_the_load_ends(client, admin, siap):
    client.force_login(admin)
    response = client.get(reverse("dtsen:snapshot-progress", args=[siap.pk]))
    assert response["HX-Refresh"] == "true"
    assert b"hx-trigger" not in response.content


def test_an_unknown_snapshot_is_404(client, admin):
    client.force_login(admin)
    assert client.get(reverse("dtsen:snapshot-detail", args=[999])).status_code == 404


@pytest.mark.parametrize("n", [1, 8])
def test_snapshot_list_query_count_is_flat(
    n, client, admin, kota_metro, tmp_path, muat, django_assert_num_queries
):
    for i in range(n):
        muat(write_csv(tmp_path / f"f{i}.csv", [orang(i + 1)]))
    client.force_login(admin)
    # session, user, count, one page of snapshots (with uploader and area), session save (3)
    with django_assert_num_queries(6):
        response = client.get(reverse("dtsen:snapshot-list"))
    assert len(response.context["page"]) == n


# --- What changed between two snapshots ----------------------------------------------------
@pytest.fixture
def pasangan(muat, tmp_path, admin):
    """June and September DTSEN (both applied); people 1-6, all in Hadimulyo Barat (Metro
    Pusat) except person 4 in Iring Mulyo (Metro Timur)."""
    juni_rows = [
        orang(1, desil="3"),
        orang(2, desil="5"),
        orang(3, desil="7"),
        orang(4, desil="2", kode=IRINGMULYO_BPS),
        orang(5, desil="4"),
    ]
    september_rows = [
        orang(1, desil="6"),  # leaves 1-4 and 1-5
        orang(2, desil="4"),  # enters 1-4 (was already in 1-5)
        orang(4, desil="9", kode=IRINGMULYO_BPS),
        orang(5, desil="4"),  # unchanged
        orang(6, desil="1"),  # appears
    ]  # person 3 disappears
    juni = muat(write_csv(tmp_path / "juni.csv", juni_rows), tanggal=JUNI)
    services.snapshot_apply(snapshot=juni, applied_by=admin)
    september = muat(write_csv(tmp_path / "sept.csv", september_rows), tanggal=SEPTEMBER)
    services.snapshot_apply(snapshot=september, applied_by=admin)
    return juni, september


def _ringkasan(response):
    return [
        (
            r.kecamatan.nama,
            r.masuk_pkh,
            r.keluar_pkh,
            r.masuk_pbijk,
            r.keluar_pbijk,
            r.muncul,
            r.hilang,
        )
        for r in response.context["ringkasan"]
    ]


def test_admin_sees_changes_per_kecamatan(client, admin, pasangan):
    client.force_login(admin)
    response = client.get(reverse("dtsen:perubahan-desil"))
    assert _ringkasan(response) == [
        ("Metro Barat", 0, 0, 0, 0, 0, 0),
        ("Metro Pusat", 1, 1, 0, 1, 1, 1),
        ("Metro Selatan", 0, 0, 0, 0, 0, 0),
        ("Metro Timur", 0, 1, 0, 1, 0, 0),
        ("Metro Utara", 0, 0, 0, 0, 0, 0),
    ]


def test_koordinator_sees_only_their_kecamatan(
    client, koordinator_metro_pusat, pasangan, kota_metro
):
    juni, september = pasangan
    client.force_login(koordinator_metro_pusat)
    summary = client.get(reverse("dtsen:perubahan-desil"))
    assert _ringkasan(summary) == [("Metro Pusat", 1, 1, 0, 1, 1, 1)]
    detail = client.get(
        reverse(
            "dtsen:perubahan-desil-kecamatan",
            args=[juni.pk, september.pk, kota_metro["Metro Pusat"].pk],
        )
    )
    assert [(r.nama, r.desil_lama, r.desil_baru, r.kategori) for r in detail.context["rows"]] == [
        ("Warga 1", 3, 6, ["Keluar desil 1–4", "Keluar desil 1–5"]),
        ("Warga 2", 5, 4, ["Masuk desil 1–4"]),
        ("Warga 3", 7, None, ["Hilang"]),
        ("Warga 6", None, 1, ["Muncul"]),
    ]
    assert b"1872**********01" in detail.content  # NIK masked
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, jumlah=4).count() == 1


def test_koordinator_gets_404_outside_their_area_and_nothing_is_recorded(
    client, koordinator_metro_pusat, pasangan, kota_metro
):
    juni, september = pasangan
    client.force_login(koordinator_metro_pusat)
    args = [juni.pk, september.pk, kota_metro["Metro Timur"].pk]
    assert client.get(reverse("dtsen:perubahan-desil-kecamatan", args=args)).status_code == 404
    assert client.post(reverse("dtsen:perubahan-desil-export", args=args)).status_code == 404
    assert not AuditEvent.objects.filter(user=koordinator_metro_pusat).exists()


def test_pendamping_cannot_see_desil_changes(client, pendamping_hadimulyo, pasangan):
    client.force_login(pendamping_hadimulyo)
    assert client.get(reverse("dtsen:perubahan-desil")).status_code == 403


def test_export_of_changes_is_an_audited_xlsx(client, operator, pasangan, kota_metro):
    juni, september = pasangan
    client.force_login(operator)
    args = [juni.pk, september.pk, kota_metro["Metro Pusat"].pk]
    response = client.post(reverse("dtsen:perubahan-desil-export", args=args))
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0] == ("NIK", "Nama", "Kelurahan", "Desil lama", "Desil baru", "Perubahan")
    assert rows[1] == (
        "1872**********01",
        "Warga 1",
        "Hadimulyo Barat",
        3,
        6,
        "Keluar desil 1–4, Keluar desil 1–5",
    )
    assert len(rows) == 5
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.user, event.object_id, event.jumlah) == (operator, str(september.pk), 4)


def test_django_admin_imports_header_mappings_through_import_export(client, admin, tmp_path):
    # given: a small master file of remembered mappings, as django-import-export reads it
    client.force_login(admin)
    url = reverse("admin:dtsen_pemetaankolom_import")
    assert client.get(url).status_code == 200
    path = tmp_path / "pemetaan.csv"
    path.write_text("jenis,header,field\nDTSEN,Nmr. Induk Penduduk,nik\n", encoding="utf-8")
    # when
    with path.open("rb") as f:
        response = client.post(
            url, {"import_file": f, "format": "0", "resource": "0", "encoding": "utf-8"}
        )
    # then: the preview shows the normalised row, ready to confirm
    assert response.status_code == 200
    assert b"noindukpenduduk" in response.content


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="(\d*)"[^>]*selected[^>]*>', select.group(0))


def test_snapshot_controls_show_the_pair_compared(client, admin, pasangan):
    # given
    juni, september = pasangan
    client.force_login(admin)
    # when: the page opens with the default pair
    html = client.get(reverse("dtsen:perubahan-desil")).content.decode()
    # then: both dropdowns show the snapshots the table compares
    assert _selected(html, "lama") == [str(juni.pk)]
    assert _selected(html, "baru") == [str(september.pk)]
    # when: she chooses the pair the other way round
    html = client.get(
        reverse("dtsen:perubahan-desil"), {"lama": september.pk, "baru": juni.pk}
    ).content.decode()
    # then
    assert _selected(html, "lama") == [str(september.pk)]
    assert _selected(html, "baru") == [str(juni.pk)]


# --- Issue 21: the pair is counted once; a kecamatan page joins only its kelurahan ------------
IMOPURO_BPS, METRO_BPS = "1872022002", "1872022001"  # Metro Pusat, like Hadimulyo Barat


@pytest.fixture
def pasangan_tiga_kelurahan(muat, tmp_path, admin):
    """June → September in three kelurahan of Metro Pusat; person 3 moves from Imopuro to
    Hadimulyo Barat (counted there), person 6 leaves Metro, person 7 appears in Imopuro."""
    juni = [
        orang(1, desil="3"),
        orang(2, desil="6"),
        orang(3, desil="2", kode=IMOPURO_BPS),
        orang(4, desil="8", kode=IMOPURO_BPS),
        orang(5, desil="4", kode=IMOPURO_BPS),
        orang(6, desil="1", kode=METRO_BPS),
    ]
    september = [
        orang(1, desil="6"),  # leaves 1-4 and 1-5
        orang(2, desil="6"),  # unchanged
        orang(3, desil="9"),  # moved here, leaves both
        orang(4, desil="5", kode=IMOPURO_BPS),  # enters 1-5
        orang(5, desil="4", kode=IMOPURO_BPS),  # unchanged
        orang(7, desil="2", kode=IMOPURO_BPS),  # appears
    ]
    lama = muat(write_csv(tmp_path / "juni.csv", juni), tanggal=JUNI)
    services.snapshot_apply(snapshot=lama, applied_by=admin)
    baru = muat(write_csv(tmp_path / "sept.csv", september), tanggal=SEPTEMBER)
    services.snapshot_apply(snapshot=baru, applied_by=admin)
    return lama, baru


def test_kecamatan_pages_follow_kelurahan_name_then_person_across_pages(
    client, monkeypatch, koordinator_metro_pusat, pasangan_tiga_kelurahan, kota_metro
):
    from dtsen.views import snapshot as views_snapshot

    lama, baru = pasangan_tiga_kelurahan
    monkeypatch.setattr(views_snapshot, "PERUBAHAN_PAGE_SIZE", 2)
    client.force_login(koordinator_metro_pusat)
    url = reverse(
        "dtsen:perubahan-desil-kecamatan", args=[lama.pk, baru.pk, kota_metro["Metro Pusat"].pk]
    )
    seen = []
    for page in (1, 2, 3):
        response = client.get(url, {"page": page})
        seen.append([(r.kelurahan, r.nama, r.kategori) for r in response.context["rows"]])
        assert response.context["has_next"] is (page < 3)
    assert seen == [
        [
            ("Hadimulyo Barat", "Warga 1", ["Keluar desil 1–4", "Keluar desil 1–5"]),
            ("Hadimulyo Barat", "Warga 3", ["Keluar desil 1–4", "Keluar desil 1–5"]),
        ],
        [
            ("Imopuro", "Warga 4", ["Masuk desil 1–5"]),
            ("Imopuro", "Warga 7", ["Muncul"]),
        ],
        [("Metro", "Warga 6", ["Hilang"])],
    ]
    # the people were stored as places on the first view of each kelurahan, and read so
    from dtsen.models import PerubahanDesilOrang

    assert PerubahanDesilOrang.objects.count() == 5
    again = client.get(url, {"page": 2})
    assert [(r.kelurahan, r.nama) for r in again.context["rows"]] == [
        ("Imopuro", "Warga 4"),
        ("Imopuro", "Warga 7"),
    ]


def test_the_pair_is_counted_once_and_the_page_says_when(
    client, admin, pasangan_tiga_kelurahan, django_assert_max_num_queries
):
    from dtsen.models import PerbandinganDesil, PerubahanDesilKelurahan

    client.force_login(admin)
    first = client.get(reverse("dtsen:perubahan-desil"))
    assert ("Metro Pusat", 0, 2, 1, 2, 1, 1) in _ringkasan(first)
    assert PerbandinganDesil.objects.count() == 1
    # Hadimulyo Barat (2 changed), Imopuro (2), Metro (1); the move is counted where it went
    assert sorted(PerubahanDesilKelurahan.objects.values_list("kelurahan__nama", "berubah")) == [
        ("Hadimulyo Barat", 2),
        ("Imopuro", 2),
        ("Metro", 1),
    ]
    html = first.content.decode()
    assert "Angka dari ringkasan, diperbarui" in html
    assert "Dihitung sekali untuk pasangan snapshot ini" in html
    # when: opened again, the counts are read, not joined again
    again = client.get(reverse("dtsen:perubahan-desil"))
    assert _ringkasan(again) == _ringkasan(first)
    assert PerbandinganDesil.objects.count() == 1


def test_the_apply_counts_the_default_pair_ahead(admin, pasangan_tiga_kelurahan):
    from dtsen.models import PerbandinganDesil

    lama, baru = pasangan_tiga_kelurahan
    perbandingan = services.perbandingan_desil_siapkan(snapshot_id=baru.pk)
    assert perbandingan is not None
    assert (perbandingan.lama, perbandingan.baru) == (lama, baru)
    assert PerbandinganDesil.objects.count() == 1


def test_cancelling_a_snapshot_drops_the_counts_against_its_rows(
    admin, pasangan_tiga_kelurahan, muat, tmp_path
):
    from dtsen.models import PerbandinganDesil

    _, baru = pasangan_tiga_kelurahan
    ditinjau = muat(write_csv(tmp_path / "des.csv", [orang(1, desil="1")]), tanggal=SEPTEMBER)
    services.perbandingan_desil_pastikan(lama=baru, baru=ditinjau)
    services.snapshot_cancel(snapshot=ditinjau, user=admin)
    assert not PerbandinganDesil.objects.filter(baru=ditinjau).exists()
