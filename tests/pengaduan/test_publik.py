"""The public status page: status for the right ticket and digits, the same refusal for an
unknown ticket and for wrong digits, rate limits per IP and per ticket, every look-up audited."""

import re
import statistics
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from dinsos.models import AuditEvent
from pengaduan import services
from tests.pengaduan.helpers import NIK_WARGA, TELEPON_WARGA, buat_pengaduan

URL = "pengaduan:status-publik"
CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
TIDAK_COCOK = (
    "Nomor tiket dan 4 angka terakhir telepon tidak cocok dengan pengaduan mana pun. "
    "Periksa kembali bukti pengaduan Anda."
)


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()  # this run's own Redis database (REDIS_URL): the counters start at zero
    yield
    cache.clear()


@pytest.fixture
def pengaduan(operator, kota_metro):
    p = buat_pengaduan(oleh=operator, kelurahan=kota_metro["Imopuro"])
    services.pengaduan_tanggapi(
        pengaduan=p, tanggapan="Nama Ibu sudah kami usulkan pada bulan ini.", oleh=operator
    )
    p.refresh_from_db()
    return p


def _cek(client, tiket, digit, **extra):
    return client.post(reverse(URL), {"tiket": tiket, "digit": digit}, **extra)


def test_right_ticket_and_digits_show_status_date_and_public_response_only(client, pengaduan):
    response = _cek(client, pengaduan.tiket.lower(), TELEPON_WARGA[-4:])
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["hasil"] == pengaduan
    assert "Sedang ditangani" in html
    assert "Nama Ibu sudah kami usulkan pada bulan ini." in html
    for private in ("Sumarni", NIK_WARGA, TELEPON_WARGA, "Bantuan bulan ini belum diterima."):
        assert private not in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert list(AuditEvent.objects.filter(user=None).values_list("action", "object_id")) == [
        ("view", str(pengaduan.pk))
    ]


def _body(response):
    return CSRF.sub("", response.content.decode())


def test_unknown_ticket_and_wrong_digits_get_the_same_answer(client, pengaduan):
    unknown = _cek(client, "ACDEFHJKMN", TELEPON_WARGA[-4:])
    wrong = _cek(client, pengaduan.tiket, "0000")
    assert (unknown.status_code, wrong.status_code) == (200, 200)
    assert _body(unknown) == _body(wrong)
    assert TIDAK_COCOK in _body(wrong)
    assert sorted(
        AuditEvent.objects.filter(user=None).values_list("action", "object_repr", "jumlah")
    ) == sorted(
        [
            ("search", "Cek status gagal: tiket ACDEFHJKMN", 0),
            ("search", f"Cek status gagal: tiket {pengaduan.tiket}", 0),
        ]
    )


def test_unknown_ticket_and_wrong_digits_take_the_same_time(client, pengaduan, settings):
    settings.DINSOS_STATUS_PENGADUAN_BATAS_IP = "1000/h"
    settings.DINSOS_STATUS_PENGADUAN_BATAS_TIKET = "1000/h"

    def ms(tiket, digit):
        start = time.perf_counter()
        _cek(client, tiket, digit)
        return (time.perf_counter() - start) * 1000

    for _ in range(3):  # warm-up of both paths
        ms("ACDEFHJKMN", "1234"), ms(pengaduan.tiket, "0000")
    # interleaved, so that a slower moment of the machine hits both paths alike
    pairs = [(ms("ACDEFHJKMN", "1234"), ms(pengaduan.tiket, "0000")) for _ in range(30)]
    unknown = statistics.median(u for u, _ in pairs)
    wrong = statistics.median(w for _, w in pairs)
    # One look-up, one comparison, one audit row on both paths: the same timing class.
    assert abs(unknown - wrong) < max(3.0, 0.25 * min(unknown, wrong)), (unknown, wrong)


def test_the_per_ticket_limit_trips_on_the_sixth_try(client, pengaduan):
    for digit in ("0001", "0002", "0003", "0004", "0005"):
        assert _cek(client, pengaduan.tiket, digit).status_code == 200
    # the right digits are now refused too: guessing on stops here
    response = _cek(client, pengaduan.tiket, TELEPON_WARGA[-4:])
    assert response.status_code == 429
    assert re.fullmatch(
        r"Terlalu banyak percobaan\. Coba lagi dalam \d+ menit\.", response.context["pesan"]
    )
    assert response.context["hasil"] is None
    assert AuditEvent.objects.filter(user=None).count() == 5  # the refused try runs no look-up


def test_the_per_ip_limit_trips_across_tickets(client, pengaduan, settings):
    settings.DINSOS_STATUS_PENGADUAN_BATAS_IP = "3/h"
    for tiket in ("ACDEFHJKMN", "ACDEFHJKMP", "ACDEFHJKMQ"):
        assert _cek(client, tiket, "1234").status_code == 200
    assert _cek(client, "ACDEFHJKMR", "1234").status_code == 429
    # another client IP is not affected
    other = _cek(client, pengaduan.tiket, TELEPON_WARGA[-4:], REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    assert other.context["hasil"] == pengaduan


def test_a_malformed_ticket_is_refused_by_the_form(client):
    response = _cek(client, "12345", "12ab")
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "tiket": ["Nomor tiket terdiri dari 10 huruf dan angka, seperti pada bukti pengaduan."],
        "digit": ["Isi 4 angka terakhir nomor telepon/WA."],
    }
