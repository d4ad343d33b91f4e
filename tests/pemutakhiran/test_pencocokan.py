"""The next snapshot closes the cycle: each kind is matched in SQL against the applied file
(reflected, not yet with the months waiting, given up after N months)."""

import datetime

import pytest
from django.urls import reverse

from pemutakhiran import services
from pemutakhiran.models import Jenis, Riwayat, Status, Usulan
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, terapkan
from tests.pemutakhiran.helpers import buat, sampai

pytestmark = pytest.mark.django_db

MENINGGAL = Orang(1, "Warga Satu")
SALAH_NAMA = Orang(2, "Warga Dua", kk=2)
MENYANGGAH = Orang(3, "Warga Tiga", kk=3)
BARU = Orang(4, "Warga Empat", kk=4)
KONDISI = Orang(5, "Warga Lima", kk=5)
DESEMBER = datetime.date(2025, 12, 1)


def _usulan(oleh, kelurahan, o, jenis, **nilai):
    alasan = "meninggal" if jenis == Jenis.PENONAKTIFAN else ""
    if jenis == Jenis.PENONAKTIFAN:
        nilai = {"nomor_akta_kematian": "AKTA-1"}
    return buat(
        oleh=oleh,
        kelurahan=kelurahan,
        nik=o.nik,
        nama=o.nama,
        jenis=jenis,
        alasan=alasan,
        nilai=nilai,
        bukti=jenis != Jenis.SANGGAHAN,
    )


@pytest.fixture
def terkirim(muat, tmp_path, admin, operator, pendamping_hadimulyo, kota_metro):
    """June's DTSEN is active; in December five proposals are approved and sent."""
    terapkan(
        muat,
        admin,
        tmp_path,
        [
            dtsen_row(MENINGGAL),
            dtsen_row(SALAH_NAMA),
            dtsen_row(MENYANGGAH, desil=4),
            dtsen_row(KONDISI, desil=5),
        ],
    )
    kel = kota_metro["Hadimulyo Barat"]
    rows = {
        "meninggal": _usulan(operator, kel, MENINGGAL, Jenis.PENONAKTIFAN),
        "nama": _usulan(
            operator,
            kel,
            SALAH_NAMA,
            Jenis.PERBAIKAN_DATA,
            data_diperbaiki="nama",
            nilai_lama="Warga Dua",
            nilai_baru="Warga Dua Benar",
        ),
        "sanggah": _usulan(
            operator,
            kel,
            MENYANGGAH,
            Jenis.SANGGAHAN,
            no_kk=MENYANGGAH.no_kk,
            keterangan="Rumah masih bambu.",
            desil_disanggah=4,
        ),
        "baru": _usulan(
            operator,
            kel,
            BARU,
            Jenis.USULAN_BARU,
            no_kk=BARU.no_kk,
            tanggal_lahir=BARU.lahir,
            jenis_kelamin="L",
            alamat="Jl. Baru 4",
            keterangan="Hasil Muskel.",
        ),
        "kondisi": _usulan(
            operator, kel, KONDISI, Jenis.KONDISI, no_kk=KONDISI.no_kk, keterangan="Sakit."
        ),
    }
    for key, u in rows.items():
        rows[key] = sampai(
            u, Status.DISETUJUI, pemeriksa=operator, petugas=pendamping_hadimulyo, pengesah=admin
        )
    for jenis in {u.jenis for u in rows.values()}:
        services.batch_ekspor(bulan=DESEMBER, jenis=jenis, oleh=admin)
    return rows


def _status(rows):
    return {
        key: Usulan.objects.values_list("status", "bulan_tunggu", "desil_hasil").get(pk=u.pk)
        for key, u in rows.items()
    }


def test_each_kind_is_matched_against_the_next_snapshot(terkirim, muat, tmp_path, admin):
    # given: every proposal was sent, with the desil it started from
    assert set(Usulan.objects.values_list("status", flat=True)) == {Status.DIKIRIM}
    assert Usulan.objects.get(pk=terkirim["sanggah"].pk).desil_awal == 4
    # when: January's file is applied: Warga Satu gone, Warga Dua renamed, Warga Empat new
    # with desil 2, Warga Tiga still desil 4, Warga Lima re-surveyed into desil 3
    terapkan(
        muat,
        admin,
        tmp_path,
        [
            dtsen_row(SALAH_NAMA.but(nama="WARGA DUA BENAR")),
            dtsen_row(MENYANGGAH, desil=4),
            dtsen_row(BARU, desil=2),
            dtsen_row(KONDISI, desil=3),
        ],
        tanggal=datetime.date(2026, 1, 31),
    )
    # then
    assert _status(terkirim) == {
        "meninggal": (Status.DITERIMA, 1, None),
        "nama": (Status.DITERIMA, 1, 3),
        "sanggah": (Status.BELUM_TERCERMIN, 1, 4),
        "baru": (Status.DITERIMA, 1, 2),
        "kondisi": (Status.DITERIMA, 1, 3),
    }
    assert Riwayat.objects.filter(usulan=terkirim["sanggah"]).last().catatan == (
        "Belum tercermin di DTSEN per 31-01-2026; menunggu 1 bulan, dibawa ke bulan berikutnya."
    )
    assert Riwayat.objects.filter(usulan=terkirim["baru"]).last().catatan == (
        "Tercermin di DTSEN per 31-01-2026 (desil 2)."
    )


def test_a_proposal_not_reflected_after_n_months_is_given_up(terkirim, muat, tmp_path, admin):
    rows = [dtsen_row(MENINGGAL), dtsen_row(SALAH_NAMA), dtsen_row(MENYANGGAH, desil=4)]
    # when: February (2 months) and March (3 months, the default limit) change nothing
    terapkan(muat, admin, tmp_path, rows, tanggal=datetime.date(2026, 2, 28))
    februari = _status(terkirim)
    terapkan(
        muat, admin, tmp_path, [*rows, dtsen_row(Orang(9, "X"))], tanggal=datetime.date(2026, 3, 31)
    )
    # then
    assert februari["meninggal"] == (Status.BELUM_TERCERMIN, 2, 3)
    assert _status(terkirim)["meninggal"] == (Status.DITOLAK_PUSAT, 3, 3)
    assert _status(terkirim)["sanggah"] == (Status.DITOLAK_PUSAT, 3, 4)
    assert Riwayat.objects.filter(usulan=terkirim["meninggal"]).last().catatan == (
        "Belum tercermin di DTSEN per 31-03-2026 setelah 3 bulan: dianggap ditolak oleh pusat."
    )


def test_a_snapshot_older_than_the_batch_decides_nothing(terkirim, muat, tmp_path, admin):
    # when: a file with data as of November (before December's batch) is applied
    terapkan(muat, admin, tmp_path, [dtsen_row(BARU, desil=2)], tanggal=datetime.date(2025, 11, 30))
    # then
    assert set(Usulan.objects.values_list("status", flat=True)) == {Status.DIKIRIM}


def test_the_figures_count_each_step_and_the_median_months(
    terkirim, muat, tmp_path, admin, operator, client
):
    # given: January reflects four of December's five proposals, March the last one
    rows = [
        dtsen_row(SALAH_NAMA.but(nama="WARGA DUA BENAR")),
        dtsen_row(MENYANGGAH, desil=4),
        dtsen_row(BARU, desil=2),
        dtsen_row(KONDISI, desil=3),
    ]
    terapkan(muat, admin, tmp_path, rows, tanggal=datetime.date(2026, 1, 31))
    rows[1] = dtsen_row(MENYANGGAH, desil=2)
    terapkan(muat, admin, tmp_path, rows, tanggal=datetime.date(2026, 2, 28))
    client.force_login(operator)
    # when
    response = client.get(reverse("pemutakhiran:rekap"), {"bulan": "2025-12"})
    # then: one kelurahan; the median of 1, 1, 1, 1 and 2 months is 1
    rekap = response.context["rekap"]
    [baris] = rekap.per_kelurahan
    angka = (baris.diusulkan, baris.diverifikasi, baris.dikirim, baris.tercermin)
    assert (baris.label, angka, baris.median_bulan) == ("Hadimulyo Barat", (5, 5, 5, 5), 1.0)
    # each figure opens its list
    tercermin = client.get(baris.url("tercermin"))
    assert tercermin.context["page"].paginator.count == 5
