"""Fuzz the attendance sync endpoint the phone screen posts to: whatever arrives (any JSON,
a valid submission with a broken field, a broken envelope, bytes that are not JSON at all),
the phone gets a 200 or a 4xx JSON answer with an Indonesian message, never a 500, and a
refused submission writes nothing.

Each example runs in a savepoint that is rolled back, so no example sees another's writes.
A broken submission breaks one field (two for a meeting, whose form checks every field):
a crash behind a field is then not hidden by an earlier field's refusal.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dinsos.models import AuditEvent
from p2k2.forms import ADAPTIF, KIRIMAN_BARIS_MAKS
from p2k2.models import Kehadiran, Kiriman, KonflikKehadiran, Modul, Pertemuan
from tests.factories import keluarga_with_pengurus
from tests.p2k2.conftest import buat_kelompok, buat_keluarga, buat_pertemuan, catat

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STATUS = Kehadiran.Status.values
PEMAHAMAN = Kehadiran.Pemahaman.values
# What a leaked exception or an untranslated Django message would look like.
BUKAN_PESAN = re.compile(
    r"Traceback|Error\b|Exception|NoneType|has no attribute|unhashable|not subscriptable|"
    r'File "|This field|Enter a valid|is required|Ensure this',
)


@dataclass(frozen=True)
class Medan:
    """The world one fuzz test posts into: a logged-in pendamping and the ids worth trying."""

    client: Client
    url: str
    anggota: list[int]  # members of the group
    bukan_anggota: list[int]  # same kelurahan, not in the group; another kelurahan's family
    pertemuan_client_id: str  # the group's planned meeting
    pertemuan_lain_client_id: str  # another group's meeting
    kiriman_terpakai: list[str]  # submission ids already stored
    materi: list[str]  # valid "materi" choices: session pks and "adaptif"


@pytest.fixture
def medan(
    kelompok_a, pertemuan_a, keluarga_a, kota_metro, pendamping_hadimulyo, pendamping_iringmulyo
) -> Medan:
    # Another device already marked four of the five families (version 1), so a row that
    # differs from version 0 or 2 is a conflict; the fifth family is written from version 0.
    catat(pertemuan_a, dict.fromkeys(keluarga_a[:4], "alfa"))
    luar = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    milik_b = buat_keluarga(pendamping_iringmulyo, kota_metro["Iring Mulyo"], 2)
    kelompok_b = buat_kelompok(pendamping_iringmulyo, kota_metro["Iring Mulyo"], milik_b, "Anggrek")
    pertemuan_b = buat_pertemuan(kelompok_b)
    catat(pertemuan_b, {milik_b[0]: "hadir"})
    client = Client(raise_request_exception=False)  # an exception shows as a 500
    client.force_login(pendamping_hadimulyo)
    sesi = [str(s.pk) for m in Modul.objects.filter(is_adaptif=False) for s in m.sesi.all()]
    return Medan(
        client=client,
        url=reverse("p2k2:kehadiran-sinkron", args=[kelompok_a.pk]),
        anggota=[k.pk for k in keluarga_a],
        bukan_anggota=[luar.pk, milik_b[1].pk],
        pertemuan_client_id=str(pertemuan_a.client_id),
        pertemuan_lain_client_id=str(pertemuan_b.client_id),
        kiriman_terpakai=[str(u) for u in Kiriman.objects.values_list("client_id", flat=True)],
        materi=[ADAPTIF, *sesi[:5]],
    )


# --- Checking one request ---------------------------------------------------------------
def _jejak() -> tuple[Any, ...]:
    """Everything a sync may write, to compare before and after a refused request."""
    return (
        list(Kehadiran.objects.order_by("pk").values_list("pk", "status", "pemahaman", "versi")),
        Kiriman.objects.count(),
        KonflikKehadiran.objects.count(),
        list(Pertemuan.objects.order_by("pk").values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


def _kirim(medan: Medan, body: bytes, content_type: str = "application/json") -> None:
    """Post `body` and check the answer; the savepoint is rolled back afterwards."""
    with transaction.atomic():
        sebelum = _jejak()
        response = medan.client.post(medan.url, data=body, content_type=content_type)
        event(f"HTTP {response.status_code}")  # shown by --hypothesis-show-statistics
        assert response.status_code != 500, body[:300]
        assert response["Content-Type"] == "application/json", response.content[:300]
        jawaban = response.json()
        if response.status_code == 200:
            assert isinstance(jawaban["pesan"], str)
            assert jawaban["pesan"]
            assert sum(jawaban["jumlah"].values()) == len(jawaban["hasil"]) > 0
        else:
            assert 400 <= response.status_code < 500, response.status_code
            pesan = jawaban["error"]
            assert isinstance(pesan, str), jawaban
            assert pesan.strip(), jawaban
            assert not BUKAN_PESAN.search(pesan), pesan
            assert _jejak() == sebelum, pesan
            event(re.sub(r"\d+", "N", pesan.split(":")[0])[:60])
        transaction.set_rollback(True)


def _json(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()  # also NaN/Infinity, never sent by JS


# --- Values ------------------------------------------------------------------------------
nilai_json = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
    ),
    lambda anak: (
        st.lists(anak, max_size=4) | st.dictionaries(st.text(max_size=10), anak, max_size=4)
    ),
    max_leaves=12,
)
ANEH = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    -(2**31),
    2**31,
    2**63,
    10**30,
    float("nan"),
    float("inf"),
    float("-inf"),
    "",
    " ",
    "0",
    "-1",
    "NaN",
    "null",
    "\x00",
    "\ud800",  # a lone surrogate: valid JSON, not encodable as UTF-8
    "x" * 5000,
    [],
    {},
    [1],
    {"a": 1},
]
nilai_aneh = st.one_of(st.sampled_from(ANEH), nilai_json)
TIPE_SALAH = [None, True, 1, -1, 1.5, float("nan"), 20250506, [], {}, ["hadir"], {"a": 1}, [[]]]
HAPUS = "<hapus kunci ini>"  # a sentinel: the key is left out instead
# What a phone may type: anything but control characters (NUL is refused) and lone surrogates.
TEKS = st.characters(exclude_categories=["Cc", "Cs"])

SALAH_TEKS = ["\ud800", "a\udfff b", "x" * 201, "x" * 5000, "x" * 100_000, " ", "\x00", HAPUS]
JAM_SALAH = ["25:61", "9.00", "09:00:00.123456", "24:00", "-1:00", "9", "09:00 PM", HAPUS]
SALAH_PERTEMUAN = {
    "materi": [ADAPTIF, "999999", "-1", "Kesehatan dan Gizi", "1.0", " 1", "\ud800", HAPUS],
    "tanggal": [
        "06/05/2025",
        "2025-13-45",
        "2025-02-30",
        "2025-05-06T09:00:00Z",
        "1999-01-01",
        "9999-12-31",
        "0001-01-01",
        "20250506",
        " 2025-05-06 ",
        HAPUS,
    ],
    "jam_mulai": JAM_SALAH,
    "jam_selesai": JAM_SALAH,
    **dict.fromkeys(
        ["topik", "nama_kegiatan", "tempat", "narasumber_1", "narasumber_2", "deskripsi"],
        SALAH_TEKS,
    ),
}
SALAH_BARIS = {
    "status": ["HADIR", "Hadir", " hadir", "hadir ", "telat", "h", "\ud800", "x" * 5000, HAPUS],
    "pemahaman": ["PAHAM", "tidak tahu", "\ud800", "x" * 5000, HAPUS],
    "versi": [-1, 2, 2**31 - 1, 2**31, 2**63, 10**40, 1.0, "1", HAPUS],
}
UUID_SALAH = [
    "",
    "bukan-uuid",
    "00000000-0000-0000-0000-000000000000",
    "urn:uuid:12345678-1234-5678-1234-567812345678",
    "{12345678-1234-5678-1234-567812345678}",
    "12345678123456781234567812345678",
    "12345678-1234-5678-1234-56781234567",
]


def _salah(khusus: list[Any]) -> st.SearchStrategy[Any]:
    """A wrong value, most often one made for the field, else a wrong type or any JSON."""
    dibuat = st.sampled_from(khusus)
    return st.one_of(dibuat, dibuat, st.sampled_from(TIPE_SALAH), nilai_aneh)


def _isi(wadah: dict[str, Any], kunci: str, nilai: Any) -> None:
    if nilai == HAPUS:
        wadah.pop(kunci, None)
    else:
        wadah[kunci] = nilai


# --- Submissions -------------------------------------------------------------------------
def _pertemuan_baru(draw: st.DrawFn, medan: Medan) -> dict[str, Any]:
    """A valid meeting made offline, as `kehadiran.js` sends it."""
    materi = draw(st.sampled_from(medan.materi))
    return {
        "client_id": str(draw(st.uuids())),
        "materi": materi,
        "topik": "Mengelola uang jajan anak" if materi == ADAPTIF else "",
        "nama_kegiatan": draw(st.text(TEKS, max_size=30)),
        "tanggal": draw(st.sampled_from(["2025-05-06", "2025-01-02", "2025-12-31"])),
        "jam_mulai": "09:00",
        "jam_selesai": draw(st.sampled_from(["10:30", "", "11:00"])),
        "tempat": draw(st.text(TEKS, max_size=30)),
        "narasumber_1": draw(st.text(TEKS, max_size=30)),
        "narasumber_2": "",
        "deskripsi": draw(st.text(TEKS, max_size=60)),
    }


def _baris(draw: st.DrawFn, medan: Medan) -> list[dict[str, Any]]:
    keluarga = draw(st.permutations(medan.anggota))[: draw(st.integers(1, len(medan.anggota)))]
    return [
        {
            "keluarga_id": k,
            "status": draw(st.sampled_from(STATUS)),
            "pemahaman": draw(st.sampled_from(PEMAHAMAN)),
            "versi": draw(st.sampled_from([0, 1])),
        }
        for k in keluarga
    ]


def _kiriman(draw: st.DrawFn, pertemuan: Any, kehadiran: Any) -> dict[str, Any]:
    return {
        "kiriman_id": str(draw(st.uuids())),
        "perangkat": draw(st.one_of(st.none(), st.uuids().map(str))),
        "pertemuan": pertemuan,
        "kehadiran": kehadiran,
    }


@st.composite
def kiriman_benar(draw: st.DrawFn, medan: Medan) -> dict[str, Any]:
    """A submission the phone could send: for the planned meeting, or one made offline."""
    if draw(st.booleans()):
        pertemuan = {"client_id": medan.pertemuan_client_id}
    else:
        pertemuan = _pertemuan_baru(draw, medan)
    return _kiriman(draw, pertemuan, _baris(draw, medan))


@st.composite
def kiriman_baris_rusak(draw: st.DrawFn, medan: Medan) -> dict[str, Any]:
    """Marks for the planned meeting, one field of one row wrong."""
    body = _kiriman(draw, {"client_id": medan.pertemuan_client_id}, _baris(draw, medan))
    row = draw(st.sampled_from(body["kehadiran"]))
    kunci = draw(st.sampled_from(["keluarga_id", *SALAH_BARIS]))
    if kunci == "keluarga_id":
        khusus = [
            *medan.bukan_anggota,  # same kelurahan outside the group; another kelurahan
            str(row["keluarga_id"]),
            float(row["keluarga_id"]),
            0,
            -row["keluarga_id"],
            2**63,
            10**30,
            HAPUS,
        ]
    else:
        khusus = SALAH_BARIS[kunci]
    _isi(row, kunci, draw(_salah(khusus)))
    return body


@st.composite
def kiriman_pertemuan_rusak(draw: st.DrawFn, medan: Medan) -> dict[str, Any]:
    """A meeting made offline with one or two fields wrong, and valid marks."""
    pertemuan = _pertemuan_baru(draw, medan)
    for kunci in draw(st.lists(st.sampled_from(list(SALAH_PERTEMUAN)), min_size=1, max_size=2)):
        _isi(pertemuan, kunci, draw(_salah(SALAH_PERTEMUAN[kunci])))
    return _kiriman(draw, pertemuan, _baris(draw, medan))


Mutasi = Callable[[st.DrawFn, dict[str, Any], Medan], None]


def _rows(body: dict[str, Any]) -> list[Any]:
    rows = body.get("kehadiran")
    return rows if isinstance(rows, list) else []


def ganti_kunci_atas(draw: st.DrawFn, body: dict[str, Any], medan: Medan) -> None:
    kunci = draw(st.sampled_from(["kiriman_id", "perangkat", "pertemuan", "kehadiran", "lain"]))
    _isi(body, kunci, draw(st.one_of(st.just(HAPUS), nilai_aneh)))


def ganti_id(draw: st.DrawFn, body: dict[str, Any], medan: Medan) -> None:
    nilai = draw(
        st.one_of(
            st.uuids().map(lambda u: str(u).upper()),
            st.sampled_from(
                [medan.pertemuan_client_id, medan.pertemuan_lain_client_id, *medan.kiriman_terpakai]
            ),
            st.sampled_from(UUID_SALAH),
            nilai_aneh,
        )
    )
    tempat = draw(st.sampled_from(["kiriman_id", "perangkat", "client_id"]))
    if tempat != "client_id":
        body[tempat] = nilai
    elif isinstance(body.get("pertemuan"), dict):
        body["pertemuan"]["client_id"] = nilai


def baris_bukan_dict(draw: st.DrawFn, body: dict[str, Any], medan: Medan) -> None:
    if rows := _rows(body):
        rows[draw(st.integers(0, len(rows) - 1))] = draw(nilai_aneh)


def baris_tambah_kunci(draw: st.DrawFn, body: dict[str, Any], medan: Medan) -> None:
    if rows := [r for r in _rows(body) if isinstance(r, dict)]:
        draw(st.sampled_from(rows))[draw(st.text(max_size=10))] = draw(nilai_aneh)


def baris_ganda(draw: st.DrawFn, body: dict[str, Any], medan: Medan) -> None:
    if rows := _rows(body):
        rows.append(draw(st.sampled_from(rows)))  # the same family twice


def baris_kebanyakan(draw: st.DrawFn, body: dict[str, Any], medan: Medan) -> None:
    body["kehadiran"] = [
        {"keluarga_id": i, "status": "hadir", "pemahaman": "", "versi": 0}
        for i in range(1, KIRIMAN_BARIS_MAKS + draw(st.integers(1, 50)))
    ]


def baris_kosong(draw: st.DrawFn, body: dict[str, Any], medan: Medan) -> None:
    body["kehadiran"] = []


MUTASI: list[Mutasi] = [
    ganti_kunci_atas,
    ganti_id,
    baris_bukan_dict,
    baris_tambah_kunci,
    baris_ganda,
    baris_kebanyakan,
    baris_kosong,
]


@st.composite
def kiriman_amplop_rusak(draw: st.DrawFn, medan: Medan) -> dict[str, Any]:
    """A valid submission with one to three things broken in its envelope or row list."""
    body = draw(kiriman_benar(medan))
    for mutasi in draw(st.lists(st.sampled_from(MUTASI), min_size=1, max_size=3)):
        mutasi(draw, body, medan)
    return body


BADAN_MENTAH = [
    b"",
    b" ",
    b"null",
    b"[]",
    b"{}",
    b"NaN",
    b"-Infinity",
    b"1" * 5000,  # more digits than Python converts to an int
    b"[" * 50_000,  # nesting deeper than the recursion limit
    b'{"a":' * 50_000,
    b'{"kehadiran": [' + b"[" * 50_000,
    b"\xef\xbb\xbf{}",  # a UTF-8 BOM
    b"\xff\xfe{\x00}\x00",  # UTF-16
    b"{'kiriman_id': 1}",
    b"kiriman_id=1&kehadiran=2",
    b'{"kehadiran": [{"keluarga_id": 1' + b"0" * 5000 + b"}]}",
    b'{"pertemuan": {}, "kehadiran": [{"keluarga_id": 1, "versi": 1e999}]}',
    b'"\\ud800"',
]


# --- Properties ----------------------------------------------------------------------------
@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_any_json_value_gets_an_answer_not_a_500(medan, data):
    _kirim(medan, _json(data.draw(nilai_json)))


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_a_broken_row_is_refused_in_indonesian_and_writes_nothing(medan, data):
    _kirim(medan, _json(data.draw(kiriman_baris_rusak(medan))))


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_a_broken_offline_meeting_is_refused_in_indonesian_and_writes_nothing(medan, data):
    _kirim(medan, _json(data.draw(kiriman_pertemuan_rusak(medan))))


@FUZZ
@given(data=st.data())
def test_a_broken_envelope_is_refused_in_indonesian_and_writes_nothing(medan, data):
    _kirim(medan, _json(data.draw(kiriman_amplop_rusak(medan))))


@FUZZ
@given(
    body=st.one_of(
        st.sampled_from(BADAN_MENTAH),
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
    ),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded"]
    ),
)
def test_bytes_that_are_not_json_are_refused_in_indonesian(medan, body, content_type):
    _kirim(medan, body, content_type)


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_a_valid_submission_is_accepted_and_recorded(medan, data):
    # given
    body = data.draw(kiriman_benar(medan))
    with transaction.atomic():
        # when
        response = medan.client.post(medan.url, data=_json(body), content_type="application/json")
        # then: every family has a mark on the meeting, and the answer accounts for each
        assert response.status_code == 200, response.content[:300]
        jawaban = response.json()
        assert sum(jawaban["jumlah"].values()) == len(body["kehadiran"])
        tercatat = Kehadiran.objects.filter(
            pertemuan_id=jawaban["pertemuan_id"],
            keluarga_id__in=[r["keluarga_id"] for r in body["kehadiran"]],
        )
        assert tercatat.count() == len(body["kehadiran"])
        assert Kiriman.objects.filter(client_id=body["kiriman_id"]).exists()
        transaction.set_rollback(True)
