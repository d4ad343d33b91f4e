"""SIKS-NG lists from decided findings: DOMAIN.md §7 checks with exact reasons, text cells,
formula injection, audit, and a finding exported once."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dinsos.bulan import tambah_bulan
from dinsos.errors import DomainError
from dinsos.formatting import tanggal
from dinsos.models import AuditEvent, User
from dinsos.pengaturan import today
from dtsen import services
from dtsen.models import EksporSiks, Jenis, Rekonsiliasi, Temuan, TemuanRiwayat
from dtsen.selectors import siks as selectors
from tests.dtsen.rekonsiliasi_data import (
    Orang,
    dtsen_row,
    jalankan,
    keluarga,
    pbijk_row,
    terapkan,
)

pytestmark = pytest.mark.django_db
J = Rekonsiliasi.Jenis
E = EksporSiks.Jenis
T = Temuan.Tahap
PDF = b"%PDF-1.4\n"


def _putuskan(
    temuan: Temuan, keputusan: str, operator: User, pendamping: User, *, surat: bool = False
) -> None:
    bukti = SimpleUploadedFile("surat.pdf", PDF) if surat else None
    services.temuan_follow_up(
        temuan=temuan,
        user=pendamping,
        tahap=T.DIVERIFIKASI,
        catatan="Surat keterangan puskesmas no. 12/PKM/2026" if surat else "Sudah dikunjungi.",
        bukti=bukti,
        jenis_bukti="surat_faskes" if surat else "",
        tipe_bukti="application/pdf" if surat else "",
    )
    services.temuan_follow_up(
        temuan=temuan, user=operator, tahap=T.DIPUTUSKAN, keputusan=keputusan, catatan="Setuju."
    )


def _sheet(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


# --- Deactivation list ---------------------------------------------------------------------
@pytest.fixture
def nonaktif(muat, admin, operator, tmp_path, kota_metro, pendamping_hadimulyo):
    """Two families above the PKH cut-off, decided "usul nonaktif"; one name is a formula."""
    kaya = Orang(71, '=HYPERLINK("http://x","klik")', kk=71)
    juga = Orang(72, "Joko Susilo", kk=72)
    terapkan(muat, admin, tmp_path, [dtsen_row(kaya, desil=8), dtsen_row(juga, desil=9)])
    for o in (kaya, juga):
        keluarga(o, kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo)
    jalankan(J.KPM_DTSEN, kota_metro["Kota Metro"], operator)
    for t in Temuan.objects.filter(kategori="desil_di_atas_pkh"):
        _putuskan(t, "usul_nonaktif", operator, pendamping_hadimulyo)
    return kaya, juga


def test_deactivation_list_has_text_identifiers_and_no_formulas(client, nonaktif, operator):
    kaya, juga = nonaktif
    client.force_login(operator)
    # when
    response = client.post(reverse("dtsen:siks-export", args=["nonaktif"]), follow=True)
    # then
    ekspor = EksporSiks.objects.get()
    assert [str(m) for m in response.context["messages"]] == [
        f"Usulan penonaktifan: 2 baris diekspor (ekspor #{ekspor.pk})."
    ]
    download = client.get(reverse("dtsen:siks-download", args=[ekspor.pk]))
    content = b"".join(download.streaming_content)
    rows = _sheet(content)
    assert rows[0] == [
        "NO", "NIK", "NO KK", "NAMA", "PROGRAM", "NOKA", "KODE DESA/KELURAHAN",
        "DESA/KELURAHAN", "KECAMATAN", "ALASAN", "CATATAN VERIFIKASI",
    ]  # fmt: skip
    assert rows[1:] == [
        [1, kaya.nik, kaya.no_kk, "'=HYPERLINK(\"HTTP://X\",\"KLIK\")", "PKH", None,
         "1872022003", "HADIMULYO BARAT", "METRO PUSAT", "Desil KPM di atas batas PKH",
         "Sudah dikunjungi."],
        [2, juga.nik, juga.no_kk, "JOKO SUSILO", "PKH", None, "1872022003", "HADIMULYO BARAT",
         "METRO PUSAT", "Desil KPM di atas batas PKH", "Sudah dikunjungi."],
    ]  # fmt: skip
    cell = load_workbook(io.BytesIO(content)).active["C2"]
    assert (cell.data_type, cell.number_format) == ("s", "@")
    events = list(
        AuditEvent.objects.filter(action="export", user=operator)
        .order_by("id")
        .values_list("object_type", "jumlah", "reason")
    )
    assert events == [
        ("dtsen.eksporsiks", 2, "Daftar SIKS-NG: Usulan penonaktifan"),
        ("dtsen.eksporsiks", 2, "Unduh ulang daftar SIKS-NG: Usulan penonaktifan"),
    ]


def test_an_exported_finding_is_not_exported_again_and_its_decision_is_locked(
    nonaktif, operator, pendamping_hadimulyo
):
    services.siks_export(user=operator, jenis=E.NONAKTIF)
    with pytest.raises(DomainError) as error:
        services.siks_export(user=operator, jenis=E.NONAKTIF)
    assert error.value.message == "Tidak ada temuan yang lolos pemeriksaan untuk daftar ini."
    temuan = Temuan.objects.filter(kategori="desil_di_atas_pkh").first()
    assert TemuanRiwayat.objects.filter(temuan=temuan).latest("id").aksi == "diekspor"
    with pytest.raises(DomainError) as locked:
        services.temuan_follow_up(
            temuan=temuan, user=operator, tahap=T.DIPUTUSKAN, keputusan="tetap", catatan="x"
        )
    assert locked.value.message == (
        "Temuan ini sudah diekspor untuk SIKS-NG; tindak lanjutnya terkunci."
    )


def test_pendamping_and_koordinator_cannot_export_and_nothing_is_recorded(
    client, nonaktif, koordinator_metro_pusat, pendamping_hadimulyo
):
    before = AuditEvent.objects.count()
    for user in (koordinator_metro_pusat, pendamping_hadimulyo):
        client.force_login(user)
        assert client.post(reverse("dtsen:siks-export", args=["nonaktif"])).status_code == 403
    assert (EksporSiks.objects.count(), AuditEvent.objects.count()) == (0, before)


# --- Reactivation and proposal lists: the DOMAIN.md §7 rules --------------------------------
def _bulan_lalu(n: int) -> datetime.date:
    return tambah_bulan(today(), -n)


@pytest.fixture
def reaktivasi(muat, admin, operator, tmp_path, kota_metro, pendamping_hadimulyo):
    """KPM members without PBI-JK, removed at different times, all decided "usulkan"."""
    lama = Orang(81, "Sulastri", jk="P", kk=81)  # removed 8 months ago
    tanpa_surat = Orang(82, "Kartini", jk="P", kk=82)  # removed 2 months ago, no letter
    lolos = Orang(83, "Lestari", jk="P", kk=83)  # removed 2 months ago, letter
    tak_diketahui = Orang(84, "Tuminah", jk="P", kk=84)  # never active on any list
    lists = {
        _bulan_lalu(9): [pbijk_row(o) for o in (lama, tanpa_surat, lolos)]
        + [pbijk_row(tak_diketahui, status="NONAKTIF")],
        _bulan_lalu(8): [
            pbijk_row(lama, status="NONAKTIF"),
            pbijk_row(tanpa_surat),
            pbijk_row(lolos),
        ],
        _bulan_lalu(2): [
            pbijk_row(lama, status="NONAKTIF"),
            pbijk_row(tanpa_surat, status="NONAKTIF"),
            pbijk_row(tak_diketahui, status="NONAKTIF"),
        ],
    }
    for day, rows in lists.items():
        terapkan(muat, admin, tmp_path, rows, jenis=Jenis.PBIJK, tanggal=day)
    terapkan(muat, admin, tmp_path, [dtsen_row(lolos, desil=2)], tanggal=_bulan_lalu(1))
    for o in (lama, tanpa_surat, lolos, tak_diketahui):
        keluarga(o, kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo)
    jalankan(J.KPM_PBIJK, kota_metro["Kota Metro"], operator)
    jalankan(J.PBIJK_DTSEN, kota_metro["Kota Metro"], operator)
    for t in Temuan.objects.filter(kategori__in=["kpm_tanpa_pbijk", "dtsen_belum_pbijk"]):
        _putuskan(t, "usulkan", operator, pendamping_hadimulyo, surat=t.nik != tanpa_surat.nik)
    return lama, tanpa_surat, lolos, tak_diketahui


def _alasan(periksa) -> list[tuple[str, str, list[str]]]:
    return [(c.temuan.kategori, c.temuan.nama, c.alasan) for c in periksa.ditolak]


def test_reactivation_rules_are_checked_before_export(reaktivasi, operator):
    # when
    periksa = selectors.siks_periksa(user=operator, jenis=E.REAKTIVASI)
    # then: Lestari passes once; her second finding (DTSEN, nonaktif on the list) is a duplicate
    removed_8 = _bulan_lalu(8)
    assert [(c.temuan.kategori, c.temuan.nama) for c in periksa.lolos] == [
        ("kpm_tanpa_pbijk", "Lestari")
    ]
    assert sorted(_alasan(periksa)) == [
        ("dtsen_belum_pbijk", "Lestari", ["NIK yang sama sudah ada di daftar ini."]),
        ("kpm_tanpa_pbijk", "Kartini", [
            "Belum ada surat keterangan fasilitas kesehatan sebagai bukti.",
        ]),
        ("kpm_tanpa_pbijk", "Sulastri", [
            f"Dinonaktifkan sejak {tanggal(removed_8)}: lewat 6 bulan (batas reaktivasi "
            f"{tanggal(tambah_bulan(removed_8, 6))}).",
        ]),
        ("kpm_tanpa_pbijk", "Tuminah", [
            "Tanggal penonaktifan tidak diketahui: tidak ada di daftar PBI-JK sebelumnya "
            "sebagai peserta aktif.",
        ]),
    ]  # fmt: skip


def test_a_person_is_reactivated_once(client, reaktivasi, operator):
    lolos = reaktivasi[2]
    # when: the list is exported
    ekspor = services.siks_export(user=operator, jenis=E.REAKTIVASI)
    # then: one row, with the removal date, the letter and the DTSEN deadline (2 periods)
    rows = _sheet(ekspor.file.read())
    assert rows[0][-4:] == ["KECAMATAN", "TGL NONAKTIF", "SURAT FASKES", "BATAS PEMUTAKHIRAN DTSEN"]
    assert rows[1:] == [
        [1, lolos.nik, lolos.no_kk, "LESTARI", "0000000000083", "1872022003",
         "HADIMULYO BARAT", "METRO PUSAT", tanggal(_bulan_lalu(2)),
         "Surat keterangan puskesmas no. 12/PKM/2026",
         tanggal(tambah_bulan(today(), 2))],
    ]  # fmt: skip
    # when: checked again, her other finding is refused for good
    periksa = selectors.siks_periksa(user=operator, jenis=E.REAKTIVASI)
    dua = next(c for c in periksa.ditolak if c.temuan.nama == "Lestari")
    assert dua.alasan == [
        f"Sudah pernah direaktivasi (ekspor #{ekspor.pk}, {tanggal(ekspor.created_at)}); "
        "reaktivasi hanya sekali per orang."
    ]
    assert periksa.lolos == []


@pytest.fixture
def usulan(muat, admin, operator, tmp_path, kota_metro, pendamping_hadimulyo):
    """Proposal candidates: one eligible, one above the cut-off, one unknown to DTSEN."""
    miskin = Orang(91, "Sumini", jk="P", kk=91)  # desil 1, not a KPM member
    mampu = Orang(92, "Harjo", kk=92)  # KPM, desil 7
    asing = Orang(93, "Darmi", jk="P", kk=93)  # KPM, not in DTSEN
    for o in (mampu, asing):  # registered before the DTSEN snapshot gives them their desil
        keluarga(o, kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo)
    terapkan(muat, admin, tmp_path, [dtsen_row(miskin, desil=1), dtsen_row(mampu, desil=7)])
    terapkan(muat, admin, tmp_path, [pbijk_row(Orang(94, "Warga Lain", kk=94))], jenis=Jenis.PBIJK)
    jalankan(J.PBIJK_DTSEN, kota_metro["Kota Metro"], operator)
    jalankan(J.KPM_PBIJK, kota_metro["Kota Metro"], operator)
    for t in Temuan.objects.filter(kategori__in=["kpm_tanpa_pbijk", "dtsen_belum_pbijk"]):
        _putuskan(t, "usulkan", operator, pendamping_hadimulyo)
    return miskin


def test_proposal_rules_are_checked_before_export(usulan, operator):
    periksa = selectors.siks_periksa(user=operator, jenis=E.USULAN)
    assert [(c.temuan.kategori, c.temuan.nama) for c in periksa.lolos] == [
        ("dtsen_belum_pbijk", "Sumini")
    ]
    assert sorted(_alasan(periksa)) == [
        ("kpm_tanpa_pbijk", "Darmi", ["Desil belum diketahui: orang ini belum ada di DTSEN."]),
        ("kpm_tanpa_pbijk", "Harjo", ["Desil 7 di atas batas PBI-JK (desil 1–5)."]),
    ]
    ekspor = services.siks_export(user=operator, jenis=E.USULAN)
    assert (ekspor.jumlah_baris, ekspor.jumlah_ditolak) == (1, 2)
    rows = _sheet(ekspor.file.read())
    assert rows[1][1:7] == [
        usulan.nik,
        usulan.no_kk,
        "SUMINI",
        "17-05-1980",
        "PEREMPUAN",
        "1872022003",
    ]


def test_export_page_lists_refused_rows_with_their_reasons(client, usulan, operator):
    client.force_login(operator)
    content = client.get(reverse("dtsen:siks-list")).content.decode()
    assert "Desil 7 di atas batas PBI-JK (desil 1–5)." in content
    assert "Desil belum diketahui: orang ini belum ada di DTSEN." in content
