"""The findings pages: filters, area scoping, assignment, follow-up with evidence, audit,
query counts, the summary charts and the family page's panel."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dinsos.models import AuditEvent
from dtsen.models import Rekonsiliasi, Temuan, TemuanRiwayat
from tests.dtsen.rekonsiliasi_data import (
    Orang,
    dtsen_row,
    dunia_temuan,
    jalankan,
    keluarga,
    terapkan,
)
from tests.factories import keluarga_with_pengurus

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n"
T = Temuan.Tahap


@pytest.fixture
def dunia(muat, admin, tmp_path, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo):
    return dunia_temuan(
        muat, admin, tmp_path, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
    )


def _rows(response) -> list[tuple[str, str]]:
    return sorted((t.kategori, t.nik or t.no_kk) for t in response.context["rows"])


# --- List: scoping and filters -----------------------------------------------------------
@pytest.mark.parametrize(
    ("_case", "persona", "expected"),
    [
        ("admin sees all", "admin", 7),
        ("operator, the whole kota", "operator", 7),
        ("koordinator, Metro Pusat only", "koordinator_metro_pusat", 5),
        ("pendamping A, own families", "pendamping_hadimulyo", 3),
        ("pendamping B, own family", "pendamping_iringmulyo", 2),
    ],
)
def test_each_role_sees_the_findings_of_its_area(client, request, dunia, _case, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("dtsen:temuan-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == expected


def test_pendamping_sees_own_families_and_nothing_else(client, dunia, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("dtsen:temuan-list"))
    assert _rows(response) == [
        ("desil_di_atas_pkh", dunia.m2.no_kk),
        ("kpm_tanpa_desil", dunia.m1.no_kk),
        ("kpm_tidak_di_dtsen", dunia.m1.nik),
    ]
    # pendamping A guesses the id of a finding about pendamping B's family: 404
    other = dunia.temuan("kpm_tidak_di_dtsen", dunia.m4)
    assert client.get(reverse("dtsen:temuan-detail", args=[other.pk])).status_code == 404


def test_koordinator_gets_404_outside_the_area(client, dunia, koordinator_metro_pusat):
    client.force_login(koordinator_metro_pusat)
    other = dunia.temuan("kpm_tidak_di_dtsen", dunia.m4)  # Iring Mulyo, Metro Timur
    before = AuditEvent.objects.count()
    assert client.get(reverse("dtsen:temuan-detail", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.count() == before  # a denied read records nothing


def test_filters_by_category_kecamatan_state_and_pendamping(
    client, dunia, operator, kota_metro, pendamping_hadimulyo
):
    client.force_login(operator)
    url = reverse("dtsen:temuan-list")
    by_kategori = client.get(url, {"kategori": "kpm_tidak_di_dtsen"})
    assert _rows(by_kategori) == [
        ("kpm_tidak_di_dtsen", dunia.m3.nik),
        ("kpm_tidak_di_dtsen", dunia.m1.nik),
        ("kpm_tidak_di_dtsen", dunia.m4.nik),
    ]
    by_kecamatan = client.get(
        url, {"kecamatan": kota_metro["Metro Timur"].pk, "kategori": "kpm_tanpa_desil"}
    )
    assert _rows(by_kecamatan) == [("kpm_tanpa_desil", dunia.m4.no_kk)]
    # given: one finding assigned and checked on the ground
    t = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)
    client.post(
        reverse("dtsen:temuan-assign", args=[t.pk]), {"pendamping": pendamping_hadimulyo.pk}
    )
    by_pendamping = client.get(url, {"pendamping": pendamping_hadimulyo.pk})
    assert _rows(by_pendamping) == [("kpm_tidak_di_dtsen", dunia.m1.nik)]
    assert len(_rows(client.get(url, {"pendamping": "-"}))) == 6
    assert _rows(client.get(url, {"tahap": "diverifikasi"})) == []


def test_list_and_detail_views_are_audited(client, dunia, koordinator_metro_pusat):
    client.force_login(koordinator_metro_pusat)
    client.get(reverse("dtsen:temuan-list"))
    t = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)
    client.get(reverse("dtsen:temuan-detail", args=[t.pk]))
    events = list(
        AuditEvent.objects.filter(user=koordinator_metro_pusat)
        .order_by("id")
        .values_list("action", "object_type", "object_id", "jumlah", "reason")
    )
    assert events == [
        ("view", "dtsen.temuan", "", 5, "Daftar temuan rekonsiliasi"),
        ("view", "dtsen.temuan", str(t.pk), 1, ""),
    ]


def test_list_masks_nik(client, dunia, operator):
    client.force_login(operator)
    content = client.get(reverse("dtsen:temuan-list")).content.decode()
    assert dunia.m1.nik not in content
    assert f"NIK {dunia.m1.nik[:4]}**********{dunia.m1.nik[-2:]}" in content


@pytest.mark.parametrize("n", [1, 30])
def test_findings_list_query_count_is_flat(
    n,
    client,
    muat,
    admin,
    tmp_path,
    kota_metro,
    operator,
    pendamping_hadimulyo,
    django_assert_num_queries,
):
    # given: n families in Hadimulyo Barat none of which is in DTSEN → 2n findings
    terapkan(muat, admin, tmp_path, [dtsen_row(Orang(900, "Warga Lain", kk=900))])
    for i in range(n):
        keluarga(
            Orang(100 + i, f"Warga {i}", kk=100 + i),
            kelurahan=kota_metro["Hadimulyo Barat"],
            pendamping=pendamping_hadimulyo,
        )
    jalankan(Rekonsiliasi.Jenis.KPM_DTSEN, kota_metro["Kota Metro"], admin)
    client.force_login(operator)
    # user, kecamatan choices, pendamping choices, count, page, audit insert, session (3)
    with django_assert_num_queries(9):
        response = client.get(reverse("dtsen:temuan-list"))
    assert response.context["page"].paginator.count == 2 * n


# --- Assignment ----------------------------------------------------------------------------
def test_bulk_assignment_sends_each_finding_to_its_family_pendamping(
    client, dunia, operator, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given: every finding of the list, one of them about a family without pendamping
    client.force_login(operator)
    ids = list(Temuan.objects.values_list("pk", flat=True))
    # when
    response = client.post(
        reverse("dtsen:temuan-assign-bulk"),
        {"temuan": ids, "tujuan": "keluarga", "kembali": "/dtsen/temuan/?kategori=x"},
        follow=True,
    )
    # then
    assert response.redirect_chain == [("/dtsen/temuan/?kategori=x", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "5 temuan diteruskan ke pendamping.",
        "2 temuan dilewati: keluarganya belum punya pendamping atau temuan bukan tentang "
        "keluarga KPM.",
    ]
    assigned = Temuan.objects.filter(pendamping__isnull=False).values_list("pendamping", flat=True)
    assert sorted(assigned) == sorted(
        [pendamping_hadimulyo.pk] * 3 + [pendamping_iringmulyo.pk] * 2
    )
    assert TemuanRiwayat.objects.filter(aksi="ditugaskan", oleh=operator).count() == 5


def test_pendamping_cannot_assign_and_nothing_changes(client, dunia, pendamping_hadimulyo):
    client.force_login(pendamping_hadimulyo)
    t = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)
    before = AuditEvent.objects.count()
    bulk = client.post(
        reverse("dtsen:temuan-assign-bulk"), {"temuan": [t.pk], "tujuan": "keluarga"}
    )
    single = client.post(
        reverse("dtsen:temuan-assign", args=[t.pk]), {"pendamping": pendamping_hadimulyo.pk}
    )
    assert (bulk.status_code, single.status_code) == (403, 403)
    assert Temuan.objects.filter(pendamping__isnull=False).count() == 0
    assert TemuanRiwayat.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_assignment_refuses_a_pendamping_of_another_area(
    client, dunia, operator, pendamping_iringmulyo
):
    client.force_login(operator)
    t = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)  # Hadimulyo Barat
    response = client.post(
        reverse("dtsen:temuan-assign", args=[t.pk]), {"pendamping": pendamping_iringmulyo.pk}
    )
    assert response.status_code == 400
    assert response.context["assign_form"].errors == {"pendamping": ["Pilih pendamping."]}
    t.refresh_from_db()
    assert t.pendamping is None


# --- Follow-up and evidence --------------------------------------------------------------
def test_pendamping_records_a_ground_check_with_evidence_served_through_the_portal(
    client, dunia, pendamping_hadimulyo
):
    # given
    t = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.post(
        reverse("dtsen:temuan-follow-up", args=[t.pk]),
        {
            "tahap": "diverifikasi",
            "catatan": "Keluarga ada di rumah; KTP belum diperbarui.",
            "bukti": SimpleUploadedFile("surat.pdf", PDF, content_type="text/html"),
            "jenis_bukti": "dokumen",
        },
    )
    # then
    assert response.status_code == 302
    t.refresh_from_db()
    riwayat = TemuanRiwayat.objects.get(temuan=t)
    assert (t.tahap, riwayat.aksi, riwayat.catatan, riwayat.tipe_bukti, riwayat.oleh) == (
        T.DIVERIFIKASI,
        "diverifikasi",
        "Keluarga ada di rumah; KTP belum diperbarui.",
        "application/pdf",
        pendamping_hadimulyo,
    )
    assert riwayat.bukti.name.startswith("dtsen/bukti/")
    # when: the evidence is downloaded
    download = client.get(reverse("dtsen:temuan-bukti", args=[t.pk, riwayat.pk]))
    # then: served with the type found by its bytes, as an attachment, and audited
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="bukti-temuan-{t.pk}-{riwayat.pk}.pdf"'
    )
    assert b"".join(download.streaming_content) == PDF
    assert (
        AuditEvent.objects.filter(
            user=pendamping_hadimulyo, reason="Bukti tindak lanjut", object_id=str(t.pk)
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("_case", "content", "message"),
    [
        (
            "html named pdf",
            b"<html><script>alert(1)</script>",
            "Berkas harus PDF atau foto JPG, PNG atau WEBP.",
        ),
        (
            "too big",
            b"%PDF-" + b"0" * (5 * 1024 * 1024),
            "Berkas paling besar 5 MB; kecilkan lalu unggah lagi.",
        ),
    ],
)
def test_evidence_is_checked_by_content_and_size(
    client, dunia, pendamping_hadimulyo, _case, content, message
):
    t = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)
    client.force_login(pendamping_hadimulyo)
    response = client.post(
        reverse("dtsen:temuan-follow-up", args=[t.pk]),
        {
            "tahap": "diverifikasi",
            "catatan": "Dicek.",
            "bukti": SimpleUploadedFile("bukti.pdf", content),
            "jenis_bukti": "dokumen",
        },
    )
    assert response.status_code == 400
    assert response.context["follow_up_form"].errors == {"bukti": [message]}
    assert TemuanRiwayat.objects.count() == 0


def test_the_office_decides_only_after_a_ground_check(
    client, dunia, operator, pendamping_hadimulyo
):
    t = dunia.temuan("desil_di_atas_pkh", dunia.m2)
    client.force_login(operator)
    url = reverse("dtsen:temuan-follow-up", args=[t.pk])
    decide = {"tahap": "diputuskan", "keputusan": "usul_nonaktif", "catatan": "Desil 7."}
    # when: deciding before any ground-check
    early = client.post(url, decide)
    # then
    assert early.status_code == 400
    assert early.context["follow_up_form"].non_field_errors() == [
        "Temuan harus diverifikasi lapangan dulu sebelum diputuskan."
    ]
    # when: the pendamping checks, and tries to decide too
    client.force_login(pendamping_hadimulyo)
    client.post(url, {"tahap": "diverifikasi", "catatan": "Rumah permanen, ada mobil."})
    by_pendamping = client.post(url, decide)
    assert by_pendamping.status_code == 400
    assert list(by_pendamping.context["follow_up_form"].errors) == ["tahap"]
    # when: the operator decides
    client.force_login(operator)
    assert client.post(url, decide).status_code == 302
    t.refresh_from_db()
    assert (t.tahap, t.keputusan) == (T.DIPUTUSKAN, "usul_nonaktif")
    assert list(
        TemuanRiwayat.objects.filter(temuan=t).order_by("id").values_list("aksi", "oleh__username")
    ) == [("diverifikasi", "pendamping_a"), ("diputuskan", "operator")]


def test_a_proposal_category_offers_usulkan_not_usul_nonaktif(client, dunia, operator):
    t = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)
    client.force_login(operator)
    form = client.get(reverse("dtsen:temuan-detail", args=[t.pk])).context["follow_up_form"]
    assert form.fields["keputusan"].choices == [
        ("", "—"),
        ("usul_nonaktif", "Usul nonaktif"),
        ("tetap", "Tetap"),
        ("perbaiki_data", "Perbaiki data"),
    ]


# --- Runs, summary, family panel ---------------------------------------------------------
def test_starting_a_run_queues_it_after_commit(
    client, dunia, operator, kota_metro, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("dtsen:rekonsiliasi-create"),
            {"jenis": "kpm-dtsen", "wilayah": kota_metro["Kota Metro"].pk},
        )
    run = Rekonsiliasi.objects.latest("id")
    assert response["Location"] == reverse("dtsen:rekonsiliasi-detail", args=[run.pk])
    assert (run.status, run.started_by, len(callbacks)) == ("menunggu", operator, 1)


def test_run_page_shows_counts_of_the_koordinators_kecamatan_only(
    client, dunia, koordinator_metro_pusat
):
    client.force_login(koordinator_metro_pusat)
    response = client.get(reverse("dtsen:rekonsiliasi-detail", args=[dunia.run.pk]))
    assert response.context["kategori"] == [
        ("Anggota KPM tidak ada di DTSEN", 3),
        ("Desil KPM di atas batas PKH", 1),
        ("KPM tanpa desil", 3),
    ]
    assert [(r.kecamatan.nama, r.total) for r in response.context["kecamatan"]] == [
        ("Metro Pusat", 5)
    ]


def test_summary_draws_svg_charts_without_scripts(client, dunia, koordinator_metro_pusat):
    client.force_login(koordinator_metro_pusat)
    response = client.get(reverse("dtsen:temuan-summary"))
    r = response.context["r"]
    assert [(b.label, b.nilai) for b in r.per_kategori.batang] == [
        ("Anggota KPM tidak ada di DTSEN", "2"),
        ("Desil KPM di atas batas PKH", "1"),
        ("KPM tanpa desil", "2"),
    ]
    assert [(b.label, b.nilai) for b in r.per_kecamatan.batang] == [("Metro Pusat", "5")]
    assert [(b.label, b.nilai) for b in r.per_tahap.batang] == [
        ("Belum diperiksa", "5"),
        ("Diverifikasi lapangan", "0"),
        ("Sudah diputuskan", "0"),
        ("Ditutup otomatis", "0"),
    ]
    assert [(s.label, len(s.titik)) for s in r.tren.seri] == [
        ("KPM dengan DTSEN", 1),
        ("PBI-JK dengan DTSEN", 0),
        ("KPM dengan PBI-JK", 0),
    ]
    assert r.tren.seri[0].titik[0].keterangan.endswith(": 5")  # Metro Pusat's share of 7
    content = response.content.decode()
    assert content.count("<svg") == 4
    assert "<script>" not in content


def test_family_page_lists_its_findings(client, dunia, pendamping_hadimulyo):
    family = dunia.temuan("kpm_tanpa_desil", dunia.m1).keluarga
    client.force_login(pendamping_hadimulyo)
    response = client.get(reverse("kpm:keluarga-detail", args=[family.pk]))
    panel = next(p for p in response.context["detail"].panels if p.judul == "Temuan rekonsiliasi")
    assert sorted(t.kategori for t in panel.context["temuan"]) == [
        "kpm_tanpa_desil",
        "kpm_tidak_di_dtsen",
    ]


def test_family_without_findings_shows_an_empty_panel(client, kota_metro, operator):
    family = keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"])
    client.force_login(operator)
    content = client.get(reverse("kpm:keluarga-detail", args=[family.pk])).content.decode()
    assert "Tidak ada temuan rekonsiliasi untuk keluarga ini." in content


def test_summary_reads_the_findings_in_one_grouped_query(
    client, dunia, admin, django_assert_num_queries
):
    # issue 21: one scan of the findings for all three charts, whatever their number
    client.force_login(admin)
    client.get(reverse("dtsen:temuan-summary"))  # the session's first save happens here
    # user, findings grouped, kecamatan names, runs of the trend
    with django_assert_num_queries(4):
        response = client.get(reverse("dtsen:temuan-summary"))
    assert response.context["r"].total_terbuka > 0
