"""Graduasi (DOMAIN.md §5): aktif → calon graduasi → graduasi, evidence, target, letter."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dinsos.errors import DomainError
from dinsos.models import AuditEvent, Pengaturan
from kpm.models import Keluarga, RiwayatStatus
from tests.factories import foto_bytes, keluarga_with_pengurus
from tests.verifikasi.empat_mata import empat_mata_mati  # noqa: F401  (issue 20)
from tests.verifikasi.komitmen_helpers import keluarga_komitmen, pelanggaran_berulang
from tests.verifikasi.komitmen_objects import PDF, surat_pdf
from verifikasi import services
from verifikasi.models import Graduasi

pytestmark = pytest.mark.django_db

PNG = foto_bytes("PNG")
BUKAN_BUKTI = "Berkas harus PDF atau foto JPG, PNG atau WEBP."


@pytest.fixture
def keluarga(kota_metro, pendamping_hadimulyo):
    return keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo,
        pengurus_nama="Sri Wahyuni",
    )  # fmt: skip


def _history(keluarga):
    return list(
        RiwayatStatus.objects.filter(keluarga=keluarga)
        .exclude(dari="")
        .order_by("pk")
        .values_list("dari", "ke", "alasan")
    )


def test_mandiri_with_signed_statement_goes_through_calon_graduasi_to_graduasi(
    keluarga, pendamping_hadimulyo, operator
):
    # when
    graduasi = services.graduasi_propose(
        keluarga=keluarga, jenis="mandiri", alasan="Usaha warung sudah cukup",
        bukti=surat_pdf("Surat Pernyataan Sri Wahyuni.pdf"), oleh=pendamping_hadimulyo,
        on=datetime.date(2026, 3, 2),
    )  # fmt: skip
    # then
    keluarga.refresh_from_db()
    assert keluarga.status == Keluarga.Status.CALON_GRADUASI
    assert (graduasi.status, graduasi.pendamping, graduasi.bukti_tipe) == (
        "diusulkan", pendamping_hadimulyo, "application/pdf",
    )  # fmt: skip
    stored = Path(graduasi.bukti.path)
    assert stored.read_bytes() == PDF
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "Sri" not in stored.name  # the uploaded name (a person's name) is not kept
    # when
    services.graduasi_decide(
        graduasi=graduasi, is_diterima=True, catatan="Sesuai verifikasi",
        oleh=operator, on=datetime.date(2026, 3, 20),
    )  # fmt: skip
    # then
    graduasi.refresh_from_db()
    keluarga.refresh_from_db()
    assert keluarga.status == Keluarga.Status.GRADUASI
    assert (graduasi.status, graduasi.tanggal_graduasi, graduasi.nomor_surat) == (
        "diterima", datetime.date(2026, 3, 20), f"{graduasi.pk:04d}/GRAD-PKH/2026",
    )  # fmt: skip
    assert _history(keluarga) == [
        ("aktif", "calon_graduasi", "Diusulkan graduasi mandiri: Usaha warung sudah cukup"),
        ("calon_graduasi", "graduasi",
         "Graduasi mandiri: Usaha warung sudah cukup Catatan: Sesuai verifikasi"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("jenis", "message"),
    [
        ("mandiri", "Unggah surat pernyataan graduasi mandiri yang sudah ditandatangani keluarga."),
        ("paksa", "Unggah surat keterangan dari desa/kelurahan sebagai bukti graduasi paksa."),
    ],
)
def test_mandiri_and_paksa_need_their_evidence(keluarga, pendamping_hadimulyo, jenis, message):
    with pytest.raises(DomainError) as error:
        services.graduasi_propose(
            keluarga=keluarga, jenis=jenis, alasan="x", bukti=None, oleh=pendamping_hadimulyo
        )
    assert error.value.message == message
    keluarga.refresh_from_db()
    assert (keluarga.status, Graduasi.objects.count()) == ("aktif", 0)


def test_alamiah_only_without_components(kota_metro, pendamping_hadimulyo, keluarga):
    # given: a family with a pregnant mother and an SD child; the other only adults
    with_components, _, _ = keluarga_komitmen(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    # when / then
    with pytest.raises(DomainError) as error:
        services.graduasi_propose(
            keluarga=with_components, jenis="alamiah", alasan="Tidak ada komponen",
            oleh=pendamping_hadimulyo,
        )  # fmt: skip
    assert error.value.message == (
        "Keluarga ini masih punya komponen (Ibu hamil/nifas, Anak SD/sederajat): bukan "
        "graduasi alamiah."
    )
    graduasi = services.graduasi_propose(
        keluarga=keluarga, jenis="alamiah", alasan="Anak sudah tamat SMA", oleh=pendamping_hadimulyo
    )
    assert (graduasi.jenis, graduasi.bukti.name) == ("alamiah", "")


def test_rejecting_returns_the_family_to_aktif_and_needs_a_reason(
    keluarga, pendamping_hadimulyo, operator
):
    # given
    pelanggaran_berulang(keluarga)
    graduasi = services.graduasi_propose(
        keluarga=keluarga, jenis="paksa", alasan="Alfa berulang", bukti=surat_pdf(),
        oleh=pendamping_hadimulyo,
    )  # fmt: skip
    # when / then
    with pytest.raises(DomainError) as error:
        services.graduasi_decide(graduasi=graduasi, is_diterima=False, catatan="", oleh=operator)
    assert error.value.message == "Tulis alasan penolakan usulan graduasi."
    services.graduasi_decide(
        graduasi=graduasi, is_diterima=False, catatan="Surat desa belum sah", oleh=operator
    )
    keluarga.refresh_from_db()
    assert keluarga.status == "aktif"
    assert _history(keluarga)[-1] == (
        "calon_graduasi",
        "aktif",
        "Usulan graduasi paksa ditolak: Surat desa belum sah",
    )
    with pytest.raises(DomainError) as again:
        services.graduasi_decide(graduasi=graduasi, is_diterima=True, catatan="", oleh=operator)
    assert again.value.message == "Usulan graduasi ini sudah diputuskan (ditolak)."


def test_one_open_proposal_per_family(keluarga, pendamping_hadimulyo):
    services.graduasi_propose(
        keluarga=keluarga, jenis="alamiah", alasan="a", oleh=pendamping_hadimulyo
    )
    with pytest.raises(DomainError) as error:
        services.graduasi_propose(
            keluarga=Keluarga.objects.get(pk=keluarga.pk), jenis="mandiri", alasan="b",
            bukti=surat_pdf(), oleh=pendamping_hadimulyo,
        )  # fmt: skip
    assert error.value.message == (
        "Hanya keluarga aktif yang dapat diusulkan graduasi (status sekarang: calon graduasi)."
    )
    assert Graduasi.objects.count() == 1


# --- Pages ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("_case", "content", "name", "message"),
    [
        ("text named .pdf", b"bukan pdf", "surat.pdf", BUKAN_BUKTI),
        ("html", b"<html><script>", "surat.png", BUKAN_BUKTI),
        ("too big", PDF + bytes(5 * 1024 * 1024), "surat.pdf",
         "Berkas paling besar 5 MB; kecilkan lalu unggah lagi."),
    ],
)  # fmt: skip
def test_evidence_is_checked_by_content_and_size(
    client, keluarga, pendamping_hadimulyo, _case, content, name, message
):
    client.force_login(pendamping_hadimulyo)
    response = client.post(
        reverse("verifikasi:graduasi-create", args=[keluarga.pk]),
        {"jenis": "mandiri", "alasan": "Mandiri", "bukti": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"bukti": [message]}
    assert Graduasi.objects.count() == 0


def test_pendamping_proposes_with_a_photo_of_the_statement(client, keluarga, pendamping_hadimulyo):
    # given
    client.force_login(pendamping_hadimulyo)
    # when: a phone photo named .pdf is stored as what it is
    response = client.post(
        reverse("verifikasi:graduasi-create", args=[keluarga.pk]),
        {"jenis": "mandiri", "alasan": "Mandiri", "bukti": SimpleUploadedFile("a.pdf", PNG)},
        follow=True,
    )
    # then
    assert [str(m) for m in response.context["messages"]] == [
        "Keluarga diusulkan graduasi: status calon graduasi."
    ]
    graduasi = Graduasi.objects.get()
    assert (graduasi.bukti_tipe, graduasi.bukti.name.endswith(".png")) == ("image/png", True)


def test_evidence_is_served_only_through_the_access_check(
    client, keluarga, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given
    graduasi = services.graduasi_propose(
        keluarga=keluarga, jenis="mandiri", alasan="m", bukti=surat_pdf(),
        oleh=pendamping_hadimulyo,
    )  # fmt: skip
    url = reverse("verifikasi:graduasi-bukti", args=[graduasi.pk])
    # when: B tries, then A
    client.force_login(pendamping_iringmulyo)
    denied = client.get(url)
    raw = client.get(f"{settings.MEDIA_URL}{graduasi.bukti.name}")
    client.force_login(pendamping_hadimulyo)
    allowed = client.get(url)
    # then
    assert (denied.status_code, raw.status_code, allowed.status_code) == (404, 404, 200)
    assert allowed["Content-Type"] == "application/pdf"
    assert b"".join(allowed.streaming_content) == PDF
    events = AuditEvent.objects.filter(object_type="verifikasi.graduasi")
    assert list(events.values_list("username", "action")) == [("pendamping_a", "view")]


def test_graduation_letter_for_graduated_families_only(
    client, keluarga, pendamping_hadimulyo, operator
):
    # given
    graduasi = services.graduasi_propose(
        keluarga=keluarga, jenis="mandiri", alasan="Usaha jalan", bukti=surat_pdf(),
        oleh=pendamping_hadimulyo,
    )  # fmt: skip
    url = reverse("verifikasi:graduasi-surat", args=[graduasi.pk])
    client.force_login(operator)
    # when / then: not yet decided
    assert client.get(url).status_code == 404
    services.graduasi_decide(
        graduasi=graduasi, is_diterima=True, catatan="", oleh=operator,
        on=datetime.date(2026, 4, 1),
    )  # fmt: skip
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Nomor: {graduasi.pk:04d}/GRAD-PKH/2026" in page
    assert "sejak 1 April 2026" in page
    assert keluarga.pengurus.nik in page
    assert "verifikasi/graduasi_surat.css" in page  # print CSS
    assert list(
        AuditEvent.objects.filter(action="export").values_list("object_type", "reason")
    ) == [("verifikasi.graduasi", "Cetak surat graduasi")]


def test_progress_against_the_yearly_target(
    client, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo, operator
):
    # given: 3 graduations of A in 2026, 1 in 2025, 1 of B in 2026
    def lulus(pendamping, kelurahan, day):
        k = keluarga_with_pengurus(kelurahan=kota_metro[kelurahan], pendamping=pendamping)
        g = services.graduasi_propose(keluarga=k, jenis="alamiah", alasan="a", oleh=pendamping)
        services.graduasi_decide(graduasi=g, is_diterima=True, catatan="", oleh=operator, on=day)

    for month in (1, 2, 3):
        lulus(pendamping_hadimulyo, "Hadimulyo Barat", datetime.date(2026, month, 5))
    lulus(pendamping_hadimulyo, "Hadimulyo Barat", datetime.date(2025, 12, 5))
    lulus(pendamping_iringmulyo, "Iring Mulyo", datetime.date(2026, 2, 5))
    Pengaturan.objects.create(
        kunci="graduasi_target_tahunan", nilai=12, berlaku_mulai=datetime.date(2026, 1, 1)
    )
    client.force_login(operator)
    # when
    tahun_2026 = client.get(reverse("verifikasi:graduasi-list"), {"tahun": 2026})
    tahun_2025 = client.get(reverse("verifikasi:graduasi-list"), {"tahun": 2025})
    # then
    kemajuan = tahun_2026.context["kemajuan"]
    assert [(str(k.pendamping), k.jumlah, k.target, k.persen) for k in kemajuan] == [
        ("Pendamping_A", 3, 12, 25), ("Pendamping_B", 1, 12, 8),
    ]  # fmt: skip
    assert [(k.jumlah, k.target) for k in tahun_2025.context["kemajuan"]] == [(1, 10), (0, 10)]
    client.force_login(pendamping_iringmulyo)
    own = client.get(reverse("verifikasi:graduasi-list"), {"tahun": 2026})
    assert [(str(k.pendamping), k.jumlah) for k in own.context["kemajuan"]] == [("Pendamping_B", 1)]


def test_alamiah_candidates_are_computed_per_area(
    client, kota_metro, keluarga, pendamping_hadimulyo, pendamping_iringmulyo
):
    # given: A's family without components, A's family with components, B's without
    keluarga_komitmen(kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo)
    keluarga_with_pengurus(kelurahan=kota_metro["Iring Mulyo"], pendamping=pendamping_iringmulyo)
    client.force_login(pendamping_hadimulyo)
    # when
    response = client.get(reverse("verifikasi:graduasi-list"))
    # then
    assert [k.pk for k in response.context["alamiah"]] == [keluarga.pk]


@pytest.mark.parametrize("n", [1, 8])
def test_graduasi_page_query_count_is_flat(
    n, client, kota_metro, pendamping_hadimulyo, operator, django_assert_num_queries
):
    # given: n candidates, n open proposals, n graduated
    for _ in range(n):
        keluarga_with_pengurus(
            kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
        )
        for decided in (False, True):
            k = keluarga_with_pengurus(
                kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
            )
            g = services.graduasi_propose(
                keluarga=k, jenis="alamiah", alasan="a", oleh=pendamping_hadimulyo
            )
            if decided:
                services.graduasi_decide(graduasi=g, is_diterima=True, catatan="", oleh=operator)
    client.force_login(operator)
    # when / then: user, count, candidates, proposals, graduated, target, progress, session (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("verifikasi:graduasi-list"))
    assert (response.context["alamiah"].paginator.count, len(response.context["lulus"])) == (n, n)


def test_paksa_needs_commitments_broken_repeatedly(keluarga, pendamping_hadimulyo):
    # given: issue 20 (D6), DOMAIN.md §5 — one run only, and one the office rejected
    [satu] = pelanggaran_berulang(keluarga, jumlah=1)
    [ditolak] = pelanggaran_berulang(keluarga, jumlah=1, geser=1)
    ditolak.status = "ditolak"
    ditolak.save()
    # when / then: the village letter alone is not enough
    with pytest.raises(DomainError) as error:
        services.graduasi_propose(
            keluarga=keluarga, jenis="paksa", alasan="Surat kelurahan", bukti=surat_pdf(),
            oleh=pendamping_hadimulyo,
        )  # fmt: skip
    assert "dilanggar berulang" in error.value.message
    assert "tercatat 1 runtun pelanggaran" in error.value.message
    keluarga.refresh_from_db()
    assert (keluarga.status, Graduasi.objects.count()) == ("aktif", 0)
    # given: a second run that stands
    pelanggaran_berulang(keluarga, jumlah=1, geser=2)
    # when
    graduasi = services.graduasi_propose(
        keluarga=keluarga, jenis="paksa", alasan="Surat kelurahan", bukti=surat_pdf(),
        oleh=pendamping_hadimulyo,
    )  # fmt: skip
    # then: the proposal names the runs it rests on
    assert "Dasar graduasi paksa: 2 runtun pelanggaran" in graduasi.alasan
    assert satu.get_jenis_display() in graduasi.alasan
