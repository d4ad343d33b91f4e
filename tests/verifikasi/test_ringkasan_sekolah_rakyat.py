"""Issue 21: the Sekolah Rakyat list and export read a summary of the candidates of each
reference date; snapshots, age and settings bring it up to date, while visits, seats, scope
and restriction requests are read live."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dtsen import services as dtsen_services
from dtsen.models import DtsenRecord
from kpm import services as kpm_services
from kpm.models import PermintaanPembatasan
from tests.conftest import wait_until
from tests.dtsen.conftest import make_nik, make_no_kk, muat, orang, write_csv  # noqa: F401
from tests.factories import KeluargaFactory
from tests.verifikasi.test_sekolah_rakyat import ACUAN, LIST, _dtsen_aktif, anak, keluarga_desil
from verifikasi import services
from verifikasi.models import RingkasanSekolahRakyat
from verifikasi.tasks import sekolah_rakyat_ringkasan_task

pytestmark = pytest.mark.django_db
LAHIR = datetime.date(2012, 1, 1)  # 14 on the reference date: SMP


def _nama(response) -> list[str]:
    return [a.nama for a in response.context["page"]]


def _lihat(client) -> object:
    return client.get(LIST, {"tanggal_acuan": ACUAN.isoformat()})


def test_page_says_when_the_candidates_were_computed(client, operator):
    client.force_login(operator)
    html = _lihat(client).content.decode()
    assert 'data-testid="diperbarui"' in html
    assert re.search(r"diperbarui\s+\d{2}\.\d{2} WIB", html)
    assert "dihitung ulang paling lambat tiap 15 menit" in html


def test_a_child_added_later_shows_once_the_summary_is_older_than_the_setting(
    client, kota_metro, pendamping_hadimulyo, operator
):
    # given the list was viewed with one candidate
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 1)
    anak(keluarga, "Pertama", LAHIR)
    client.force_login(operator)
    assert _nama(_lihat(client)) == ["Pertama"]
    # when a second child is registered, the summary (minutes old) still shows one
    anak(keluarga, "Kedua", LAHIR)
    assert _nama(_lihat(client)) == ["Pertama"]
    # then once it is older than ringkasan_umur_menit (15), the next view computes it again
    RingkasanSekolahRakyat.objects.update(
        dihitung_pada=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert sorted(_nama(_lihat(client))) == ["Kedua", "Pertama"]


def test_the_beat_task_computes_the_next_intake_and_drops_other_dates(
    kota_metro, pendamping_hadimulyo
):
    # given a summary of an old reference date, an hour old
    lama = RingkasanSekolahRakyat.objects.create(
        tanggal_acuan=ACUAN, sidik="", dihitung_pada=timezone.now() - datetime.timedelta(hours=1)
    )
    berikut = services.tanggal_acuan_bawaan(timezone.localdate())
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 2)
    anak(keluarga, "Calon", datetime.date(berikut.year - 10, 1, 1))
    # when
    jumlah = services.sekolah_rakyat_ringkasan_berkala()
    # then the next intake's candidates are computed and the old date is gone
    baru = RingkasanSekolahRakyat.objects.get()
    assert baru.pk != lama.pk
    assert baru.tanggal_acuan == berikut
    assert (jumlah, baru.utama) == (1, {"sd": 1})


def test_applying_a_dtsen_snapshot_shows_its_desil_and_children_on_the_next_view(
    client,
    muat,  # noqa: F811
    tmp_path,
    kota_metro,
    pendamping_hadimulyo,
    admin,
):
    # given a KPM family without a desil whose child is 14, and the list already viewed
    keluarga = KeluargaFactory(
        no_kk=make_no_kk(1),
        kelurahan=kota_metro["Hadimulyo Barat"],
        pendamping=pendamping_hadimulyo,
    )
    rafi = anak(keluarga, "Rafi", LAHIR)
    client.force_login(admin)
    before = _lihat(client)
    assert (_nama(before), len(before.context["page_dtsen"])) == ([], 0)
    # when a snapshot gives the family desil 1 and lists a desil 2 child outside KPM
    rows = [orang(1, kk=1, desil="1")]
    rows[0][0] = rafi.nik
    rows.append(orang(2, kk=2, desil="2", lahir=LAHIR, kelamin="2", nama="Sari"))
    snapshot = muat(write_csv(tmp_path / "dtsen.csv", rows))
    dtsen_services.snapshot_apply(snapshot=snapshot, applied_by=admin)
    # then the next view (the summary was marked out of date in the apply) shows both
    after = _lihat(client)
    assert _nama(after) == ["Rafi"]
    assert [(d.nama, d.jenjang_sr, d.desil) for d in after.context["page_dtsen"]] == [
        ("Sari", "smp", 2)
    ]
    assert next(k for k in after.context["kuota"] if k.jenjang == "smp").utama == 2


def test_a_restriction_hides_the_family_at_once_in_list_and_export(
    client, kota_metro, pendamping_hadimulyo, operator, admin
):
    # given a KPM child and, in DTSEN, a sibling on the same KK who is not a KPM member
    keluarga = keluarga_desil(kota_metro, pendamping_hadimulyo, 1)
    rafi = anak(keluarga, "Rafi", LAHIR)
    _dtsen_aktif(
        kota_metro, admin, [(make_nik(LAHIR, "2", 7), "Saudari Rafi", LAHIR, 1)]
    )  # fmt: skip
    DtsenRecord.objects.update(no_kk=keluarga.no_kk)
    client.force_login(operator)
    listed = _lihat(client)
    assert _nama(listed) == ["Rafi"]
    assert [d.nama for d in listed.context["page_dtsen"]] == ["Saudari Rafi"]
    # when the family asks for a restriction (the summary is not computed again)
    dihitung = RingkasanSekolahRakyat.objects.get().dihitung_pada
    kpm_services.pembatasan_catat(
        keluarga=keluarga, anggota=None, jenis=PermintaanPembatasan.Jenis.PEMBATASAN,
        diterima_at=timezone.now(), dasar="Surat permohonan", oleh=admin,
    )  # fmt: skip
    # then neither child is listed, counted or exported
    hidden = _lihat(client)
    assert RingkasanSekolahRakyat.objects.get().dihitung_pada == dihitung
    assert (_nama(hidden), hidden.context["page"].paginator.count) == ([], 0)
    assert hidden.context["page_dtsen"].paginator.count == 0
    export = client.get(reverse("verifikasi:sekolah-rakyat-ekspor"), {"tanggal_acuan": ACUAN})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == []
    assert rafi.nik not in str(list(sheet.iter_rows(values_only=True)))


def test_each_pendamping_sees_only_their_own_families_children(
    client, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
):
    anak(keluarga_desil(kota_metro, pendamping_hadimulyo, 1), "Anak A", LAHIR)
    anak(keluarga_desil(kota_metro, pendamping_iringmulyo, 1, "Iring Mulyo"), "Anak B", LAHIR)
    client.force_login(pendamping_hadimulyo)
    response = _lihat(client)
    assert (_nama(response), response.context["page"].paginator.count) == (["Anak A"], 1)
    assert [(r.pendamping, r.utama) for r in response.context["ringkas"]] == [("Pendamping_A", 1)]


def test_export_streams_every_candidate_in_the_list_order(
    client, kota_metro, pendamping_hadimulyo, operator
):
    # given candidates of desil 1 and 2: the export lists them as the page does, main
    # candidates by desil, then by name
    for desil, nama in ((2, "Bima"), (1, "Citra"), (1, "Adi")):
        anak(keluarga_desil(kota_metro, pendamping_hadimulyo, desil), nama, LAHIR)
    client.force_login(operator)
    response = client.get(
        reverse("verifikasi:sekolah-rakyat-ekspor"), {"tanggal_acuan": ACUAN.isoformat()}
    )
    assert response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[7]) for r in rows] == [("Adi", 1), ("Citra", 1), ("Bima", 2)]
    assert _nama(_lihat(client)) == ["Adi", "Citra", "Bima"]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_beat_computes_the_next_intake_on_the_worker(
    celery_worker, kota_metro, pendamping_hadimulyo
):
    # given a desil 1 child who is 10 at the next intake, and no summary yet
    berikut = services.tanggal_acuan_bawaan(timezone.localdate())
    anak(
        keluarga_desil(kota_metro, pendamping_hadimulyo, 1),
        "Calon",
        datetime.date(berikut.year - 10, 1, 1),
    )
    # when beat starts the task (outside a transaction: the table is vacuumed after)
    sekolah_rakyat_ringkasan_task.delay()
    # then the worker computed the next intake's candidates
    wait_until(
        lambda: RingkasanSekolahRakyat.objects.filter(
            tanggal_acuan=berikut, utama={"sd": 1}
        ).exists()
    )
