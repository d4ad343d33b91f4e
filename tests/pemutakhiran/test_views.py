"""The proposal pages: one form per kind, the duplicate named, the finding linked both ways,
the figures with the median months to reflection."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pemutakhiran.models import Usulan
from tests.dtsen.conftest import make_nik
from tests.dtsen.rekonsiliasi_data import dunia_temuan
from tests.factories import foto_bytes
from tests.pemutakhiran.helpers import buat

pytestmark = pytest.mark.django_db

NIK = make_nik(datetime.date(1950, 3, 4), "1", 31)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        (
            "jenis=penonaktifan&alasan=meninggal",
            ["nik", "nama", "nomor_akta_kematian", "kelurahan", "bukti"],
        ),
        ("jenis=penonaktifan&alasan=pindah", ["nik", "nama", "no_kk_baru", "kelurahan", "bukti"]),
        ("jenis=penonaktifan&alasan=ganda", ["nik", "nama", "nik_ganda", "kelurahan"]),
        ("jenis=reaktivasi_pbijk", ["nik", "nama", "nomor_surat_faskes", "kelurahan", "bukti"]),
        ("jenis=sanggahan", ["nik", "nama", "no_kk", "keterangan", "desil_disanggah", "kelurahan"]),
    ],
)
def test_each_kind_asks_only_its_fields(client, operator_kelurahan_hadimulyo, query, fields):
    client.force_login(operator_kelurahan_hadimulyo)
    response = client.get(f"{reverse('pemutakhiran:usulan-create')}?{query}")
    assert list(response.context["form"].fields) == fields
    assert response.context["form"].fields["kelurahan"].widget.input_type == "hidden"


def test_evidence_opens_the_phone_camera(client, operator_kelurahan_hadimulyo):
    client.force_login(operator_kelurahan_hadimulyo)
    response = client.get(
        f"{reverse('pemutakhiran:usulan-create')}?jenis=penonaktifan&alasan=meninggal"
    )
    assert 'accept="image/*" capture="environment"' in response.content.decode()


def test_a_second_open_proposal_shows_the_first(client, operator_kelurahan_hadimulyo, kota_metro):
    # given
    first = buat(
        oleh=operator_kelurahan_hadimulyo, kelurahan=kota_metro["Hadimulyo Barat"], nik=NIK
    )
    client.force_login(operator_kelurahan_hadimulyo)
    # when
    response = client.post(
        f"{reverse('pemutakhiran:usulan-create')}?jenis=penonaktifan&alasan=meninggal",
        {
            "nik": NIK,
            "nama": "Sutarmi",
            "nomor_akta_kematian": "AKTA-2",
            "kelurahan": kota_metro["Hadimulyo Barat"].pk,
            "bukti": _foto(),
        },
    )
    # then
    assert response.status_code == 400
    assert response.context["ganda"] == first
    assert f'href="/pemutakhiran/{first.pk}/"' in response.content.decode()
    assert Usulan.objects.count() == 1


def _foto():
    return SimpleUploadedFile("akta.jpg", foto_bytes(), content_type="image/jpeg")


def test_a_finding_leads_to_a_proposal_and_back(
    client,
    muat,
    tmp_path,
    admin,
    operator,
    kota_metro,
    pendamping_hadimulyo,
    pendamping_iringmulyo,
):
    # given: a finding about a KPM member missing from DTSEN
    dunia = dunia_temuan(
        muat, admin, tmp_path, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
    )
    temuan = dunia.temuan("kpm_tidak_di_dtsen", dunia.m1)
    client.force_login(operator)
    # when: "Buat usulan" on the finding page, then the prefilled form is saved
    page = client.get(reverse("dtsen:temuan-detail", args=[temuan.pk]))
    buat_url = page.context["d"].panels[0].context["buat_url"]
    form = client.get(buat_url)
    response = client.post(
        buat_url,
        {
            **form.context["form"].initial,
            "data_diperbaiki": "nama",
            "nilai_lama": "Warga Salah",
            "nilai_baru": "Warga Benar",
            "bukti": _foto(),
        },
    )
    # then: the proposal names its finding, and the finding lists the proposal
    usulan = Usulan.objects.get()
    assert response.status_code == 302
    assert (usulan.temuan, usulan.sumber, usulan.nik, usulan.jenis) == (
        temuan,
        "temuan",
        temuan.nik,
        "perbaikan_data",
    )
    again = client.get(reverse("dtsen:temuan-detail", args=[temuan.pk]))
    assert list(again.context["d"].panels[0].context["usulan_list"]) == [usulan]
    detail = client.get(reverse("pemutakhiran:usulan-detail", args=[usulan.pk]))
    assert f'href="/dtsen/temuan/{temuan.pk}/"' in detail.content.decode()


@pytest.mark.parametrize("n", [1, 20])
def test_the_list_query_count_is_flat(
    n, client, operator_kelurahan_hadimulyo, kota_metro, django_assert_num_queries
):
    for i in range(n):
        nik = make_nik(datetime.date(1950, 3, 4), "1", 100 + i)
        buat(
            oleh=operator_kelurahan_hadimulyo,
            kelurahan=kota_metro["Hadimulyo Barat"],
            nik=nik,
            bukti=False,
        )
    client.force_login(operator_kelurahan_hadimulyo)
    # same count for 1 and 20 rows: no N+1 (8 with the kecamatan filter's choices, issue 19)
    with django_assert_num_queries(8):
        response = client.get(reverse("pemutakhiran:usulan-list"))
    assert response.context["page"].paginator.count == n
