"""A pendamping never sees a complaint about themself, anywhere (issue 18, persona rule)."""

import pytest
from django.urls import reverse

from dinsos.models import AuditEvent
from pengaduan.models import Pengaduan
from tests.factories import keluarga_with_pengurus
from tests.pengaduan.helpers import buat_pengaduan


@pytest.fixture
def complaints(operator, kota_metro, pendamping_hadimulyo, koordinator_metro_pusat):
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    biasa = buat_pengaduan(oleh=operator, keluarga=keluarga, nik="")
    tentang = buat_pengaduan(
        oleh=operator,
        keluarga=keluarga,
        nik="",
        kategori=Pengaduan.Kategori.PERILAKU_PETUGAS,
        tentang_pendamping=pendamping_hadimulyo,
        deskripsi="Pendamping meminta uang.",
    )
    return biasa, tentang


@pytest.mark.parametrize(
    ("_case", "persona", "expected"),
    [
        ("the pendamping complained about", "pendamping_hadimulyo", ["biasa"]),
        ("the koordinator holding it", "koordinator_metro_pusat", ["tentang", "biasa"]),
        ("the operator of the city", "operator", ["tentang", "biasa"]),
        ("another area's pendamping", "pendamping_iringmulyo", []),
    ],
)
def test_list_never_shows_a_complaint_about_the_viewer(
    client, request, complaints, _case, persona, expected
):
    biasa, tentang = complaints
    names = {biasa.pk: "biasa", tentang.pk: "tentang"}
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("pengaduan:pengaduan-list"))
    assert [names[p.pk] for p in response.context["page"]] == expected


def test_detail_attachment_letter_and_family_panel_hide_it_too(
    client, complaints, pendamping_hadimulyo
):
    biasa, tentang = complaints
    client.force_login(pendamping_hadimulyo)
    audit_before = AuditEvent.objects.count()
    for name in ("pengaduan:pengaduan-detail", "pengaduan:pengaduan-surat"):
        assert client.get(reverse(name, args=[tentang.pk])).status_code == 404
    response = client.post(reverse("pengaduan:pengaduan-catatan", args=[tentang.pk]), {"isi": "x"})
    assert response.status_code == 404
    assert AuditEvent.objects.count() == audit_before
    assert tentang.riwayat.count() == 1  # only "dicatat": the note was not written
    # the family page lists the other complaint only
    page = client.get(reverse("kpm:keluarga-detail", args=[biasa.keluarga_id])).content.decode()
    assert biasa.tiket in page
    assert tentang.tiket not in page
    assert "Pendamping meminta uang." not in page
