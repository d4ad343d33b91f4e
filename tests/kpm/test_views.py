import datetime
import re

import pytest
from django.urls import reverse

from dinsos.models import AuditEvent
from dinsos.pengaturan import today
from kpm import services
from kpm.models import Anggota, Keluarga, RiwayatStatus
from tests.factories import AnggotaFactory, keluarga_with_pengurus

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "operator",
    "koordinator_metro_pusat",
    "pendamping_hadimulyo",
    "pendamping_iringmulyo",
]


@pytest.fixture
def keluarga_a(kota_metro, pendamping_hadimulyo):
    """A family in Hadimulyo Barat (Metro Pusat) assigned to pendamping A."""
    return keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"],
        pendamping=pendamping_hadimulyo,
        pengurus_nama="Siti Aminah",
    )


def _status_of(keluarga):
    return Keluarga.objects.values_list("status", flat=True).get(pk=keluarga.pk)


# --- Access matrix -------------------------------------------------------------
@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("kpm:keluarga-detail", [200, 200, 200, 200, 404]),
        ("kpm:keluarga-update", [200, 200, 403, 403, 404]),
        ("kpm:anggota-create", [200, 200, 403, 403, 404]),
    ],
)
def test_family_pages_by_persona(client, request, keluarga_a, url_name, expected):
    for persona, status in zip(PERSONAS, expected, strict=True):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(reverse(url_name, args=[keluarga_a.pk]))
        assert response.status_code == status, persona


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", 200),
        ("operator", 200),
        ("koordinator_metro_pusat", 403),
        ("pendamping_hadimulyo", 403),
        ("pendamping_iringmulyo", 404),
    ],
)
def test_member_edit_page_by_persona(client, request, keluarga_a, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("kpm:anggota-update", args=[keluarga_a.pengurus_id]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", 200),
        ("operator", 200),
        ("koordinator_metro_pusat", 403),
        ("pendamping_hadimulyo", 403),
    ],
)
def test_register_page_is_for_admin_and_operator(client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("kpm:keluarga-create")).status_code == expected


def test_anonymous_is_sent_to_login(client, keluarga_a):
    response = client.get(reverse("kpm:keluarga-detail", args=[keluarga_a.pk]))
    assert response.status_code == 302


def test_missing_and_out_of_scope_families_look_the_same(client, pendamping_iringmulyo, keluarga_a):
    client.force_login(pendamping_iringmulyo)
    out_of_scope = client.get(reverse("kpm:keluarga-detail", args=[keluarga_a.pk]))
    missing = client.get(reverse("kpm:keluarga-detail", args=[keluarga_a.pk + 1000]))
    assert out_of_scope.status_code == missing.status_code == 404

    def without_csrf(response):
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)

    assert without_csrf(out_of_scope) == without_csrf(missing)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("koordinator_metro_pusat", 403),
        ("pendamping_hadimulyo", 403),
        ("pendamping_iringmulyo", 404),
    ],
)
def test_denied_status_change_changes_nothing_and_records_nothing(
    client, request, keluarga_a, persona, expected
):
    client.force_login(request.getfixturevalue(persona))
    history, audit = RiwayatStatus.objects.count(), AuditEvent.objects.count()
    response = client.post(
        reverse("kpm:keluarga-status", args=[keluarga_a.pk]),
        {"ke": "ditangguhkan", "alasan": "mencoba"},
    )
    assert response.status_code == expected
    assert _status_of(keluarga_a) == "aktif"
    assert RiwayatStatus.objects.count() == history
    assert AuditEvent.objects.count() == audit


def test_pendamping_b_cannot_reveal_a_nik_of_pendamping_a_family(
    client, pendamping_iringmulyo, keluarga_a
):
    client.force_login(pendamping_iringmulyo)
    response = client.post(
        reverse("kpm:anggota-nik-reveal", args=[keluarga_a.pengurus_id]), {"alasan": "ingin tahu"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


# --- Behaviour -------------------------------------------------------------------
def test_viewing_a_family_is_audited(client, operator, keluarga_a):
    client.force_login(operator)
    client.get(reverse("kpm:keluarga-detail", args=[keluarga_a.pk]), REMOTE_ADDR="10.0.0.7")
    event = AuditEvent.objects.get(action="view")
    assert (event.user, event.object_type, event.object_id, event.ip) == (
        operator,
        "kpm.keluarga",
        str(keluarga_a.pk),
        "10.0.0.7",
    )


def test_status_change_through_the_page(client, operator, admin, keluarga_a):
    # Issue 20: a suspension waits for a second person, then shows in the history.
    client.force_login(operator)
    response = client.post(
        reverse("kpm:keluarga-status", args=[keluarga_a.pk]),
        {"ke": "ditangguhkan", "alasan": "Tidak hadir P2K2 3 kali berturut-turut"},
    )
    assert response.status_code == 302
    assert _status_of(keluarga_a) == "aktif"
    client.force_login(admin)
    usulan = client.get(reverse("persetujuan-list")).context["page"][0]
    client.post(reverse("persetujuan-putuskan", args=[usulan.pk]), {"aksi": "setujui"})
    assert _status_of(keluarga_a) == "ditangguhkan"
    page = client.get(reverse("kpm:keluarga-detail", args=[keluarga_a.pk]))
    assert "Tidak hadir P2K2 3 kali berturut-turut" in page.content.decode()


def test_status_form_offers_no_graduasi(client, operator, keluarga_a):
    # DOMAIN.md §5 (issue 20, D2): graduation only through the Graduasi pipeline.
    client.force_login(operator)
    page = client.get(reverse("kpm:keluarga-detail", args=[keluarga_a.pk]))
    pilihan = [v for v, _ in page.context["status_form"].fields["ke"].choices]
    assert pilihan == ["ditangguhkan", "dibatalkan"]
    response = client.post(
        reverse("kpm:keluarga-status", args=[keluarga_a.pk]), {"ke": "graduasi", "alasan": "x"}
    )
    assert response.status_code == 400
    assert _status_of(keluarga_a) == "aktif"


def test_status_change_without_reason_shows_the_field_error(client, operator, keluarga_a):
    client.force_login(operator)
    response = client.post(
        reverse("kpm:keluarga-status", args=[keluarga_a.pk]), {"ke": "ditangguhkan"}
    )
    assert response.status_code == 400
    assert response.context["status_form"].errors == {"alasan": ["Bidang ini tidak boleh kosong."]}
    assert _status_of(keluarga_a) == "aktif"


def test_reveal_nik_shows_the_full_number_once_and_records_the_reason(
    client, koordinator_metro_pusat, keluarga_a
):
    client.force_login(koordinator_metro_pusat)
    response = client.post(
        reverse("kpm:anggota-nik-reveal", args=[keluarga_a.pengurus_id]),
        {"alasan": "Surat rujukan puskesmas"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert keluarga_a.pengurus.nik in response.content.decode()
    event = AuditEvent.objects.get(action="reveal_nik")
    assert event.reason == "Surat rujukan puskesmas"


def test_detail_page_masks_nik_and_shows_entitlement(client, operator, keluarga_a):
    # given: pregnant mother and a toddler
    Anggota.objects.filter(pk=keluarga_a.pengurus_id).update(is_hamil=True)
    AnggotaFactory(
        keluarga=keluarga_a, hubungan="anak", tanggal_lahir=today().replace(year=today().year - 2)
    )
    client.force_login(operator)
    # when
    response = client.get(reverse("kpm:keluarga-detail", args=[keluarga_a.pk]))
    # then
    content = response.content.decode()
    assert keluarga_a.pengurus.nik not in content
    hak = response.context["detail"].hak
    assert [b.komponen for b in hak.dibayar] == ["ibu_hamil", "anak_usia_dini"]
    assert "Rp6.000.000" in content
    assert "Rp1.500.000" in content


def test_register_form_gives_indonesian_errors_at_the_field(client, operator, kota_metro):
    client.force_login(operator)
    response = client.post(
        reverse("kpm:keluarga-create"),
        {
            "no_kk": "18720120011500",
            "kelurahan": kota_metro["Imopuro"].pk,
            "tanggal_terdaftar": "2020-01-01",
            "pengurus-nik": "1872019904990007",
            "pengurus-nama": "Siti",
            "pengurus-jenis_kelamin": "P",
            "pengurus-tanggal_lahir": "1999-04-10",
            "pengurus-hubungan": "pasangan",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["no_kk"] == ["No KK harus 16 digit (tertulis 14 digit)"]
    assert response.context["pengurus_form"].errors["nik"] == [
        "tanggal lahir dalam NIK tidak valid"
    ]
    assert Keluarga.objects.count() == 0


def test_register_then_warn_when_sex_disagrees_with_nik(client, operator, kota_metro):
    client.force_login(operator)
    response = client.post(
        reverse("kpm:keluarga-create"),
        {
            "no_kk": "1872012001150009",
            "kelurahan": kota_metro["Imopuro"].pk,
            "tanggal_terdaftar": "2020-01-01",
            "pengurus-nik": "1872015004990007",
            "pengurus-nama": "Siti",
            "pengurus-jenis_kelamin": "L",
            "pengurus-tanggal_lahir": "1999-04-10",
            "pengurus-hubungan": "pasangan",
        },
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert (
        "Periksa data pengurus: jenis kelamin tidak sesuai dengan NIK (NIK menunjukkan perempuan)."
        in messages
    )
    assert Keluarga.objects.get().no_kk == "1872012001150009"


def test_register_a_nik_whose_day_is_not_on_the_calendar(client, operator, kota_metro):
    # given: DOMAIN.md §8 (issue 20, D3) — 30 February exists in Dukcapil data
    client.force_login(operator)
    # when
    response = client.post(
        reverse("kpm:keluarga-create"),
        {
            "no_kk": "1872012001150009",
            "kelurahan": kota_metro["Imopuro"].pk,
            "tanggal_terdaftar": "2020-01-01",
            "pengurus-nik": "1872017002990007",
            "pengurus-nama": "Siti",
            "pengurus-jenis_kelamin": "P",
            "pengurus-tanggal_lahir": "1999-02-28",
            "pengurus-hubungan": "pasangan",
        },
        follow=True,
    )
    # then: registered, and the operator is told what is odd
    messages = [str(m) for m in response.context["messages"]]
    assert any("bukan tanggal kalender" in m for m in messages)
    assert Keluarga.objects.get().pengurus.nik == "1872017002990007"


# --- List: scope, search, filters, query counts ----------------------------------
def _list(client, **params):
    if "q" in params:  # the search box POSTs, then the list shows under a token
        response = client.post(reverse("kpm:keluarga-list"), params, follow=True)
    else:
        response = client.get(reverse("kpm:keluarga-list"), params)
    assert response.status_code == 200
    return list(response.context["page"])


def test_each_persona_lists_only_its_scope(
    client, request, kota_metro, pendamping_hadimulyo, keluarga_a
):
    other_in_hadimulyo = keluarga_with_pengurus(kelurahan=kota_metro["Hadimulyo Barat"])
    in_iringmulyo = keluarga_with_pengurus(kelurahan=kota_metro["Iring Mulyo"])
    expected = {
        "admin": {keluarga_a, other_in_hadimulyo, in_iringmulyo},
        "operator": {keluarga_a, other_in_hadimulyo, in_iringmulyo},
        "koordinator_metro_pusat": {keluarga_a, other_in_hadimulyo},
        "pendamping_hadimulyo": {keluarga_a},
        "pendamping_iringmulyo": set(),
    }
    for persona, families in expected.items():
        client.force_login(request.getfixturevalue(persona))
        assert set(_list(client)) == families, persona


def test_search_by_name_tolerates_typos_and_titles(client, operator, kota_metro):
    siti = keluarga_with_pengurus(
        kelurahan=kota_metro["Imopuro"], pengurus_nama="Hj. Siti Aminah, S.Pd."
    )
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Budi Santoso")
    client.force_login(operator)
    assert _list(client, q="siti aminh") == [siti]
    assert _list(client, q="Aminah") == [siti]
    assert _list(client, q="SITI AMINAH") == [siti]


def test_name_search_ranks_the_closest_name_first_then_by_no_kk(client, operator, kota_metro):
    imopuro = kota_metro["Imopuro"]
    # Registered first (the lowest No KK), yet a weaker match: listed after the exact names.
    jauh = keluarga_with_pengurus(kelurahan=imopuro, pengurus_nama="Siti Aminatun")
    # One family matches through a member who is not the pengurus: the best member counts.
    anak = keluarga_with_pengurus(kelurahan=imopuro, pengurus_nama="Budi Santoso")
    AnggotaFactory(keluarga=anak, nama="Siti Aminah")
    dekat = keluarga_with_pengurus(kelurahan=imopuro, pengurus_nama="Siti Aminah")
    keluarga_with_pengurus(kelurahan=imopuro, pengurus_nama="Joko Widodo")
    client.force_login(operator)
    sama = sorted([anak, dekat], key=lambda k: k.no_kk)
    assert _list(client, q="siti aminah") == [*sama, jauh]


@pytest.mark.parametrize("n", [1, 30])
def test_name_search_query_count_is_flat(
    client, operator, kota_metro, django_assert_max_num_queries, n
):
    for _ in range(n):
        keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], pengurus_nama="Siti Aminah")
    client.force_login(operator)
    response = client.post(reverse("kpm:keluarga-list"), {"q": "siti aminh"}, follow=True)
    assert len(response.context["page"]) == min(n, 25)
    # the matching members with their score once, then the count and the page by id
    with django_assert_max_num_queries(16) as captured:
        response = client.get(response.redirect_chain[-1][0])
    assert len(response.context["page"]) == min(n, 25)
    trigram = [q for q in captured.captured_queries if "%%>" in q["sql"] or "%>" in q["sql"]]
    assert len(trigram) == 1, [q["sql"][:200] for q in trigram]


def test_search_by_full_nik_and_no_kk_only(client, operator, kota_metro):
    target = keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], no_kk="1872029912340001")
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    client.force_login(operator)
    assert _list(client, q=target.pengurus.nik) == [target]
    assert _list(client, q=target.no_kk) == [target]
    assert _list(client, q="1872 0299 1234 0001") == [target]  # spaced as on the KK card
    assert _list(client, q="18720299") == []  # a prefix finds nothing (issue 22)
    assert _list(client, q=target.no_kk + "9") == []


def test_a_searched_nik_never_appears_in_a_url(client, operator, kota_metro):
    # given: more families than one page, all found by the same name
    target = keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"], no_kk="1872029912340001")
    for i in range(2, 30):
        keluarga_with_pengurus(
            kelurahan=kota_metro["Imopuro"],
            no_kk=f"18720299123400{i:02d}",
            pengurus_nama="Sumarni Wulandari",
        )
    nik = target.pengurus.nik
    client.force_login(operator)
    url = reverse("kpm:keluarga-list")
    # when: she searches a full NIK with a filter
    response = client.post(url, {"q": nik, "status": "aktif"})
    # then: the address she lands on carries a token and the filter, never the number
    assert response.status_code == 302
    assert nik not in response["Location"]
    assert "cari=" in response["Location"]
    assert "status=aktif" in response["Location"]
    page = client.get(response["Location"])
    assert list(page.context["page"]) == [target]
    # when: a search spans two pages, the paging links keep the token, not the term
    response = client.post(url, {"q": "sumarni wulandari"}, follow=True)
    html = response.content.decode()
    assert response.context["page"].paginator.count == 28
    next_links = re.findall(r'href="([^"]*page=2[^"]*)"', html)
    assert next_links
    assert all("sumarni" not in link.lower() and "cari=" in link for link in next_links)
    second = client.get(url + next_links[0].replace("&amp;", "&"))
    assert len(second.context["page"]) == 3


def test_a_search_with_htmx_pushes_a_url_without_the_term(client, operator, kota_metro):
    target = keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    client.force_login(operator)
    response = client.post(
        reverse("kpm:keluarga-list"), {"q": target.no_kk}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert list(response.context["page"]) == [target]
    assert target.no_kk not in response["HX-Push-Url"]
    assert "cari=" in response["HX-Push-Url"]


def test_a_term_typed_into_the_url_is_moved_out_of_it(client, operator, kota_metro):
    target = keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    client.force_login(operator)
    response = client.get(reverse("kpm:keluarga-list"), {"q": target.pengurus.nik})
    assert response.status_code == 302
    assert target.pengurus.nik not in response["Location"]
    assert list(client.get(response["Location"]).context["page"]) == [target]


def test_an_expired_search_shows_the_whole_list_with_a_note(client, operator, kota_metro):
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    client.force_login(operator)
    response = client.get(reverse("kpm:keluarga-list"), {"cari": "kedaluwarsa"})
    assert response.context["page"].paginator.count == 2
    assert "Pencarian sebelumnya sudah kedaluwarsa" in response.content.decode()


def test_five_year_flag_spares_lansia_and_disabilitas_berat(client, operator, kota_metro):
    # given: DOMAIN.md §2 (issue 20, D1) — three families enrolled since 2015
    biasa = keluarga_with_pengurus(
        kelurahan=kota_metro["Imopuro"],
        tanggal_terdaftar=datetime.date(2015, 1, 1),
        komponen=["anak_sd"],
    )
    lansia = keluarga_with_pengurus(
        kelurahan=kota_metro["Imopuro"],
        tanggal_terdaftar=datetime.date(2015, 1, 1),
        komponen=["anak_sd", "lansia"],
    )
    keluarga_with_pengurus(
        kelurahan=kota_metro["Imopuro"],
        tanggal_terdaftar=datetime.date(2015, 1, 1),
        komponen=["disabilitas_berat"],
    )
    client.force_login(operator)
    # when / then: only the family without the exempt components is flagged
    assert _list(client, lama_5_tahun="on") == [biasa]
    page = client.get(reverse("kpm:keluarga-detail", args=[lansia.pk])).content.decode()
    assert "Terdaftar ≥ 5 tahun" not in page
    page = client.get(reverse("kpm:keluarga-detail", args=[biasa.pk])).content.decode()
    assert "Terdaftar ≥ 5 tahun" in page


def test_filters_combine(client, operator, kota_metro):
    old = keluarga_with_pengurus(
        kelurahan=kota_metro["Imopuro"], tanggal_terdaftar=datetime.date(2015, 1, 1)
    )
    keluarga_with_pengurus(
        kelurahan=kota_metro["Imopuro"], tanggal_terdaftar=datetime.date(2024, 1, 1)
    )
    suspended = keluarga_with_pengurus(
        kelurahan=kota_metro["Iring Mulyo"],
        status="ditangguhkan",
        desil=3,
        tanggal_terdaftar=datetime.date(2023, 5, 1),
    )
    client.force_login(operator)
    assert _list(client, lama_5_tahun="on") == [old]
    assert _list(client, status="ditangguhkan") == [suspended]
    assert _list(client, desil="3") == [suspended]
    assert _list(client, kecamatan=kota_metro["Metro Timur"].pk) == [suspended]
    assert set(_list(client, desil="kosong")) == {
        old,
        Keluarga.objects.get(tanggal_terdaftar__year=2024),
    }


def test_list_shows_masked_nik_only(client, operator, keluarga_a):
    client.force_login(operator)
    content = client.get(reverse("kpm:keluarga-list")).content.decode()
    assert keluarga_a.pengurus.nik not in content
    assert keluarga_a.pengurus.nik[:4] + "**********" + keluarga_a.pengurus.nik[-2:] in content


@pytest.mark.parametrize("n", [1, 30])
def test_list_query_count_is_flat(client, operator, kota_metro, django_assert_num_queries, n):
    for _ in range(n):
        keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    client.force_login(operator)
    # user, filter choices (kecamatan, kelurahan, pendamping), count, page, the page's
    # pengurus, session save (3)
    with django_assert_num_queries(10):
        client.get(reverse("kpm:keluarga-list"))


@pytest.mark.parametrize("n_members", [1, 8])
def test_detail_query_count_is_flat(
    client, operator, kota_metro, django_assert_num_queries, n_members, pendamping_hadimulyo
):
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Imopuro"], pendamping=pendamping_hadimulyo
    )
    for _ in range(n_members - 1):
        AnggotaFactory(keluarga=keluarga, hubungan="anak")
    services.keluarga_komponen_refresh()
    client.force_login(operator)
    # user, family (with area, pengurus, pendamping), audit insert, settings, members,
    # amounts, status history, edit history, session save (3) = 11, plus the sections other
    # apps add (pendamping history, P2K2 attendance, komitmen, temuan, pengaduan, DTSEN
    # proposals) = 15
    with django_assert_num_queries(26):
        client.get(reverse("kpm:keluarga-detail", args=[keluarga.pk]))


# --- Breach notices and data-subject requests ------------------------------------
def test_admin_sees_who_accessed_a_family_and_its_members(
    client, admin, operator, koordinator_metro_pusat, keluarga_a
):
    # given: an operator views the family, the koordinator reveals the pengurus NIK
    client.force_login(operator)
    client.get(reverse("kpm:keluarga-detail", args=[keluarga_a.pk]))
    client.force_login(koordinator_metro_pusat)
    client.post(
        reverse("kpm:anggota-nik-reveal", args=[keluarga_a.pengurus_id]), {"alasan": "Rujukan RS"}
    )
    # when
    client.force_login(admin)
    response = client.get(reverse("kpm:keluarga-akses", args=[keluarga_a.pk]))
    # then: newest first; the admin's own visit to this page is recorded too
    rows = [(e.username, e.action, e.reason) for e in response.context["page"]]
    assert rows == [
        ("admin", "view", ""),
        ("koordinator", "reveal_nik", "Rujukan RS"),
        ("operator", "view", ""),
    ]


@pytest.mark.parametrize("persona", ["operator", "koordinator_metro_pusat", "pendamping_hadimulyo"])
def test_only_admins_see_the_access_log_of_a_family(client, request, keluarga_a, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("kpm:keluarga-akses", args=[keluarga_a.pk])).status_code == 403


def test_data_subject_export_gives_the_persons_data_and_is_recorded(client, admin, keluarga_a):
    client.force_login(admin)
    response = client.post(
        reverse("kpm:anggota-data-subjek", args=[keluarga_a.pengurus_id]),
        {"alasan": "Surat permohonan 12/2026"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = response.json()
    assert data["anggota"]["nik"] == keluarga_a.pengurus.nik
    assert data["anggota"]["nama"] == "Siti Aminah"
    assert data["keluarga"]["no_kk"] == keluarga_a.no_kk
    assert data["keluarga"]["is_pengurus"] is True
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.reason) == ("kpm.anggota", "Surat permohonan 12/2026")


def test_data_subject_export_without_reason_gives_nothing(client, admin, keluarga_a):
    client.force_login(admin)
    response = client.post(reverse("kpm:anggota-data-subjek", args=[keluarga_a.pengurus_id]), {})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="export").exists()


def _kelurahan_options(html: str) -> list[str]:
    select = re.search(r'<select name="kelurahan"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def _oob_kelurahan_options(html: str) -> list[str]:
    select = re.search(
        r'<select id="id_kelurahan" hx-swap-oob="innerHTML">(.*?)</select>', html, re.S
    )
    assert select is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


METRO_TIMUR = ["Semua kelurahan", "Iring Mulyo", "Tejo Agung", "Tejosari", "Yosodadi", "Yosorejo"]


def test_kelurahan_choices_follow_the_chosen_kecamatan(client, operator, kota_metro):
    # given
    client.force_login(operator)
    url = reverse("kpm:keluarga-list")
    # when: the page is opened with a kecamatan chosen
    html = client.get(url, {"kecamatan": kota_metro["Metro Timur"].pk}).content.decode()
    # then: the kelurahan list offers only that kecamatan's five
    assert _kelurahan_options(html) == METRO_TIMUR
    # and with no kecamatan, all 22 of the city
    assert len(_kelurahan_options(client.get(url).content.decode())) == 1 + 22
    # when: htmx sends the form after the kecamatan changed
    response = client.post(
        url, {"kecamatan": kota_metro["Metro Timur"].pk}, headers={"HX-Request": "true"}
    )
    # then: the answer replaces the kelurahan options with that kecamatan's
    assert _oob_kelurahan_options(response.content.decode()) == METRO_TIMUR


def test_kelurahan_outside_the_kecamatan_says_what_to_change(client, operator, kota_metro):
    # given
    timur = keluarga_with_pengurus(kelurahan=kota_metro["Iring Mulyo"])
    keluarga_with_pengurus(kelurahan=kota_metro["Imopuro"])
    client.force_login(operator)
    # when: a kelurahan of Metro Pusat with kecamatan Metro Timur
    response = client.get(
        reverse("kpm:keluarga-list"),
        {"kecamatan": kota_metro["Metro Timur"].pk, "kelurahan": kota_metro["Imopuro"].pk},
    )
    # then: the page says what to change, lists the kecamatan's families, and the
    # kelurahan control shows the value in effect (none)
    html = response.content.decode()
    assert re.findall(r'data-testid="filter-error">([^<]*)<', html) == [
        "Kelurahan Imopuro tidak berada di Kecamatan Metro Timur. Pilih kelurahan di "
        "Kecamatan Metro Timur, atau pilih “Semua kecamatan” untuk melihat Imopuro."
    ]
    assert list(response.context["page"]) == [timur]
    assert _kelurahan_options(html) == METRO_TIMUR
    kelurahan_select = re.search(r'<select name="kelurahan".*?</select>', html, re.S)
    assert kelurahan_select is not None
    assert "selected" not in kelurahan_select.group(0)  # the first, "Semua kelurahan", shows
