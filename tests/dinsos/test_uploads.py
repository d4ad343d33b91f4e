"""Uploads served back are never active content (issue #22, finding 1).

The attack: as a pendamping, upload a meeting "photo" whose bytes start with a PNG or WEBP
signature and go on with HTML or JavaScript, named `.html`/`.js`; it was stored with that
extension and served inline as text/html, so "Lihat foto" ran the script in the admin's
session. Every upload field of the portal is reached here the way a user reaches it (its page,
then its download link as the admin), with each payload of the issue.

`test_every_upload_field_is_covered` walks every form of the project: a new upload field
fails it until it is added to SALURAN (and so to the payload test) or to TIDAK_DISAJIKAN.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import io
import pkgutil
import struct
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin as django_admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import ExifTags, Image

from dinsos.models import User
from dinsos.uploads import UploadField
from dtsen.models import Rekonsiliasi, Temuan, TemuanRiwayat
from kpm.models import Keluarga
from p2k2.models import Pertemuan, Sesi
from pemutakhiran.models import Bukti, Usulan
from pendamping import services as pendamping_services
from pendamping.models import Pendamping, Rujukan, Sosialisasi
from tests.factories import keluarga_with_pengurus
from tests.p2k2.conftest import _seed, buat_kelompok
from tests.pemutakhiran.helpers import buat as buat_usulan
from tests.pemutakhiran.helpers import sampai as sampai_usulan
from verifikasi.models import Graduasi

pytestmark = pytest.mark.django_db

APPS = ("dinsos", "kpm", "pendamping", "verifikasi", "p2k2", "dtsen", "pemutakhiran")
PNG_TANDA = b"\x89PNG\r\n\x1a\n"
SKRIP = b"fetch('/keluarga/').then(r => r.text()).then(t => navigator.sendBeacon('/x', t));"
HTML = b'<!doctype html><html><body><script src="/media/p2k2/foto/x.js"></script></body></html>'
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>fetch('/keluarga/')</script></svg>"
)
# Content types a browser would run or render as a document when served inline.
AKTIF = ("text/html", "text/javascript", "application/javascript", "image/svg+xml")


def _gambar(format_: str, **save: Any) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format_, **save)
    return buffer.getvalue()


def _webp_palsu(isi: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", len(isi) + 4) + b"WEBP" + isi


def _jpeg_dengan_komentar() -> bytes:
    """A real JPEG whose comment segment holds a script: valid image, active text inside."""
    return _gambar("JPEG", comment=b"<script>" + SKRIP + b"</script>")


@dataclass(frozen=True)
class Muatan:
    """A payload of the issue: what a phone would upload and what the portal must make of it."""

    nama: str
    isi: Callable[[], bytes]
    # "tipe": refused as the wrong kind of file; "rusak": refused as an unreadable photo;
    # otherwise the type it is stored and served as ("png", "jpg", "pdf").
    hasil: str


MUATAN = {
    "png signature + script (.js)": Muatan("foto.js", lambda: PNG_TANDA + SKRIP, "rusak"),
    "png signature + html (.html)": Muatan("foto.html", lambda: PNG_TANDA + HTML, "rusak"),
    "webp signature + html (.html)": Muatan("foto.html", lambda: _webp_palsu(HTML), "rusak"),
    "svg with script (.svg)": Muatan("foto.svg", lambda: SVG, "tipe"),
    "html named .jpg": Muatan("foto.jpg", lambda: HTML, "tipe"),
    "polyglot: real png + html after it (.html)": Muatan(
        "foto.html", lambda: _gambar("PNG") + HTML, "png"
    ),
    "polyglot: real jpeg, script in its comment (.js)": Muatan(
        "foto.js", _jpeg_dengan_komentar, "jpg"
    ),
    "pdf signature + html (.html)": Muatan("surat.html", lambda: b"%PDF-1.4\n" + HTML, "pdf"),
}


# --- The upload fields, reached through their pages ---------------------------------------
@dataclass(frozen=True)
class Saluran:
    """One upload field: how a user sends a file to it and how the admin opens it again."""

    siapkan: Callable[[dict[str, Any]], Any]
    kirim: Callable[[Client, Any, SimpleUploadedFile], Any]
    galat: Callable[[Any], Any]  # the field's errors on a refused upload
    tersimpan: Callable[[Any], Any]  # (stored FieldFile, download URL) or None
    tipe: frozenset[str]  # the stored types the field accepts
    pesan_tipe: str


def _kelompok(ctx: dict[str, Any]) -> Any:
    _seed.seed(apps, None)
    hadimulyo = ctx["kota_metro"]["Hadimulyo Barat"]
    return buat_kelompok(ctx["pendamping"], hadimulyo, [])


def _pertemuan_kirim(client: Client, kelompok: Any, berkas: SimpleUploadedFile) -> Any:
    sesi = Sesi.objects.get(modul__nama="Kesehatan dan Gizi", urutan=1)
    return client.post(
        reverse("p2k2:pertemuan-create", args=[kelompok.pk]),
        {"materi": str(sesi.pk), "tanggal": "2025-03-10", "foto": berkas},
    )


def _pertemuan_tersimpan(kelompok: Any) -> Any:
    pertemuan = Pertemuan.objects.filter(kelompok=kelompok).first()
    if pertemuan is None:
        return None
    return pertemuan.foto, reverse("p2k2:pertemuan-foto", args=[pertemuan.pk])


def _keluarga(ctx: dict[str, Any]) -> Keluarga:
    return keluarga_with_pengurus(
        kelurahan=ctx["kota_metro"]["Hadimulyo Barat"], pendamping=ctx["pendamping"]
    )


def _graduasi_kirim(client: Client, keluarga: Keluarga, berkas: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("verifikasi:graduasi-create", args=[keluarga.pk]),
        {"jenis": "mandiri", "alasan": "Usaha warung berjalan", "bukti": berkas},
    )


def _graduasi_tersimpan(keluarga: Keluarga) -> Any:
    graduasi = Graduasi.objects.filter(keluarga=keluarga).first()
    if graduasi is None:
        return None
    return graduasi.bukti, reverse("verifikasi:graduasi-bukti", args=[graduasi.pk])


def _temuan(ctx: dict[str, Any]) -> Temuan:
    keluarga = _keluarga(ctx)
    kota = ctx["kota_metro"]["Kota Metro"]
    run = Rekonsiliasi.objects.create(
        jenis=Rekonsiliasi.Jenis.KPM_DTSEN, wilayah=kota, status=Rekonsiliasi.Status.SELESAI
    )
    return Temuan.objects.create(
        jenis=Rekonsiliasi.Jenis.KPM_DTSEN,
        wilayah=kota,
        kategori="kpm_tidak_di_dtsen",
        kunci=f"nik:{keluarga.pengurus.nik}",
        sidik=uuid.uuid4().hex,
        nik=keluarga.pengurus.nik,
        keluarga=keluarga,
        kelurahan=ctx["kota_metro"]["Hadimulyo Barat"],
        kecamatan=ctx["kota_metro"]["Metro Pusat"],
        first_seen_run=run,
        last_seen_run=run,
    )


def _temuan_kirim(client: Client, temuan: Temuan, berkas: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("dtsen:temuan-follow-up", args=[temuan.pk]),
        {"tahap": "diverifikasi", "catatan": "Dikunjungi.", "bukti": berkas, "jenis_bukti": "foto"},
    )


def _usulan(ctx: dict[str, Any]) -> Usulan:
    """A proposal waiting for the pendamping's ground-check."""
    keluarga = _keluarga(ctx)
    usulan = buat_usulan(oleh=ctx["admin"], kelurahan=keluarga.kelurahan, nik=keluarga.pengurus.nik)
    jalur = {"pemeriksa": ctx["admin"], "petugas": ctx["pendamping"], "pengesah": ctx["admin"]}
    return sampai_usulan(usulan, "cek_lapangan", **jalur)


def _usulan_kirim(client: Client, usulan: Usulan, berkas: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("pemutakhiran:usulan-hasil-lapangan", args=[usulan.pk]),
        {"hasil": "sesuai", "catatan": "Dikunjungi.", "foto": berkas},
    )


def _usulan_tersimpan(usulan: Usulan) -> Any:
    bukti = Bukti.objects.filter(usulan=usulan, jenis=Bukti.Jenis.LAPANGAN).first()
    if bukti is None:
        return None
    return bukti.berkas, reverse("pemutakhiran:bukti-detail", args=[usulan.pk, bukti.pk])


def _temuan_tersimpan(temuan: Temuan) -> Any:
    riwayat = TemuanRiwayat.objects.filter(temuan=temuan).exclude(bukti="").first()
    if riwayat is None:
        return None
    return riwayat.bukti, reverse("dtsen:temuan-bukti", args=[temuan.pk, riwayat.pk])


def _rujukan(ctx: dict[str, Any]) -> Rujukan:
    """A referral of the pendamping's family waiting for the receiving institution's answer."""
    pendamping_services.pendamping_create(
        nama="Ani",
        jenis=Pendamping.Jenis.PKH,
        mulai=datetime.date(2024, 1, 1),
        wilayah=[ctx["kota_metro"]["Hadimulyo Barat"]],
        user=ctx["pendamping"],
    )
    return pendamping_services.rujukan_kirim(
        keluarga=_keluarga(ctx),
        data={"tujuan": "puskesmas", "tanggal_kirim": datetime.date(2025, 3, 1)},
        oleh=ctx["pendamping"],
    )


def _sosialisasi(ctx: dict[str, Any]) -> Pendamping:
    """Issue 20, RHK 9: the pendamping's own profile, to record an activity with a photo."""
    return pendamping_services.pendamping_create(
        nama="Ani",
        jenis=Pendamping.Jenis.PKH,
        mulai=datetime.date(2024, 1, 1),
        wilayah=[ctx["kota_metro"]["Hadimulyo Barat"]],
        user=ctx["pendamping"],
    )


def _sosialisasi_kirim(client: Client, profil: Pendamping, berkas: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("pendamping:sosialisasi-create"),
        {
            "tanggal": "2025-03-10",
            "tempat": "Balai kelurahan",
            "topik": "Syarat PKH",
            "jumlah_peserta": "20",
            "foto": berkas,
        },
    )


def _sosialisasi_tersimpan(profil: Pendamping) -> Any:
    sosialisasi = Sosialisasi.objects.filter(pendamping=profil).first()
    if sosialisasi is None or not sosialisasi.foto:
        return None
    return sosialisasi.foto, reverse("pendamping:sosialisasi-foto", args=[sosialisasi.pk])


def _rujukan_kirim(client: Client, rujukan: Rujukan, berkas: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("pendamping:rujukan-hasil", args=[rujukan.pk]),
        {"status": "selesai", "tanggal_selesai": "2025-03-10", "dokumen": berkas},
    )


def _rujukan_tersimpan(rujukan: Rujukan) -> Any:
    rujukan.refresh_from_db()
    if not rujukan.dokumen_jawaban:
        return None
    return rujukan.dokumen_jawaban, reverse("pendamping:rujukan-dokumen", args=[rujukan.pk])


SALURAN = {
    "p2k2.forms.PertemuanForm.foto": Saluran(
        siapkan=_kelompok,
        kirim=_pertemuan_kirim,
        galat=lambda r: r.context["form"].errors.get("foto"),
        tersimpan=_pertemuan_tersimpan,
        tipe=frozenset({"jpg", "png", "webp"}),
        pesan_tipe="Berkas ini bukan foto JPG, PNG atau WEBP.",
    ),
    "verifikasi.forms.GraduasiForm.bukti": Saluran(
        siapkan=_keluarga,
        kirim=_graduasi_kirim,
        galat=lambda r: r.context["form"].errors.get("bukti"),
        tersimpan=_graduasi_tersimpan,
        tipe=frozenset({"pdf", "jpg", "png", "webp"}),
        pesan_tipe="Berkas harus PDF atau foto JPG, PNG atau WEBP.",
    ),
    "dtsen.forms.rekonsiliasi.TindakLanjutForm.bukti": Saluran(
        siapkan=_temuan,
        kirim=_temuan_kirim,
        galat=lambda r: r.context["follow_up_form"].errors.get("bukti"),
        tersimpan=_temuan_tersimpan,
        tipe=frozenset({"pdf", "jpg", "png", "webp"}),
        pesan_tipe="Berkas harus PDF atau foto JPG, PNG atau WEBP.",
    ),
    # Issue 20: the receiving institution's answer letter of a referral.
    "pendamping.forms.pendamping.RujukanHasilForm.dokumen": Saluran(
        siapkan=_rujukan,
        kirim=_rujukan_kirim,
        galat=lambda r: r.context["hasil_form"].errors.get("dokumen"),
        tersimpan=_rujukan_tersimpan,
        tipe=frozenset({"pdf", "jpg", "png", "webp"}),
        pesan_tipe="Berkas harus PDF atau foto JPG, PNG atau WEBP.",
    ),
    # Issue 20, RHK 9: the photo of a sosialisasi activity.
    "pendamping.forms.rhk.SosialisasiForm.foto": Saluran(
        siapkan=_sosialisasi,
        kirim=_sosialisasi_kirim,
        galat=lambda r: r.context["form"].errors.get("foto"),
        tersimpan=_sosialisasi_tersimpan,
        tipe=frozenset({"jpg", "png", "webp"}),
        pesan_tipe="Berkas ini bukan foto JPG, PNG atau WEBP.",
    ),
    "pemutakhiran.forms.HasilLapanganForm.foto": Saluran(
        siapkan=_usulan,
        kirim=_usulan_kirim,
        galat=lambda r: r.context["lapangan_form"].errors.get("foto"),
        tersimpan=_usulan_tersimpan,
        tipe=frozenset({"jpg", "png", "webp"}),
        pesan_tipe="Berkas ini bukan foto JPG, PNG atau WEBP.",
    ),
}
# Uploads that are read by the portal and never served back to a browser.
TIDAK_DISAJIKAN = {
    "verifikasi.forms.EpkhUploadForm.berkas": "CSV e-PKH: dibaca, tidak disimpan",
    "dtsen.forms.snapshot.SnapshotUploadForm.file": "file DTSEN/PBI-JK: diimpor, tak disajikan",
    "kpm.admin.FinalClosingImportForm.import_file": "Final Closing: diimpor oleh admin",
    "kpm.forms.PenyaluranUnggahForm.berkas": "daftar penyaluran bank/Pos: diperiksa, diterapkan",
}
PESAN_RUSAK = "Foto tidak bisa dibaca (rusak atau bukan foto); unggah foto aslinya."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ctx(kota_metro, pendamping_hadimulyo, admin) -> dict[str, Any]:
    return {"kota_metro": kota_metro, "pendamping": pendamping_hadimulyo, "admin": admin}


def _ekstensi_dari_isi(isi: bytes) -> str:
    if isi.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if isi.startswith(PNG_TANDA):
        return "png"
    if isi[:4] == b"RIFF" and isi[8:12] == b"WEBP":
        return "webp"
    return "pdf" if isi.startswith(b"%PDF-") else "?"


# --- The attack, on every field ----------------------------------------------------------
@pytest.mark.parametrize("muatan_id", list(MUATAN))
@pytest.mark.parametrize("saluran_id", list(SALURAN))
def test_an_upload_is_refused_or_served_back_as_inert_content(client, ctx, saluran_id, muatan_id):
    # given
    saluran, muatan = SALURAN[saluran_id], MUATAN[muatan_id]
    target = saluran.siapkan(ctx)
    isi = muatan.isi()
    client.force_login(ctx["pendamping"])
    # when: the pendamping uploads it (the browser's type claims an image)
    response = saluran.kirim(
        client, target, SimpleUploadedFile(muatan.nama, isi, content_type="image/png")
    )
    stored = saluran.tersimpan(target)
    # then: refused with a message the pendamping can act on ...
    if muatan.hasil == "rusak" or muatan.hasil not in saluran.tipe:
        pesan = PESAN_RUSAK if muatan.hasil == "rusak" else saluran.pesan_tipe
        assert (response.status_code, saluran.galat(response), stored) == (400, [pesan], None)
        return
    # ... or stored under a name the portal chose from the content
    assert response.status_code == 302
    berkas, url = stored
    disimpan = berkas.open("rb").read()
    berkas.close()
    assert berkas.name.rsplit(".", 1)[-1] == muatan.hasil == _ekstensi_dari_isi(disimpan)
    assert muatan.nama.rsplit(".", 1)[0] not in berkas.name.rsplit("/", 1)[-1]
    # and the admin who opens it gets a file the browser never runs
    client.force_login(ctx["admin"])
    served = client.get(url)
    body = b"".join(served.streaming_content)
    assert served.status_code == 200
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "sandbox"
    assert "no-store" in served["Cache-Control"].split(", ")
    if muatan.hasil == "pdf":
        assert (served["Content-Type"], served["Content-Disposition"].split(";")[0]) == (
            "application/pdf",
            "attachment",
        )
        assert body == isi  # a PDF is kept as sent, but only ever downloaded
    else:
        mime = {"png": "image/png", "jpg": "image/jpeg"}[muatan.hasil]
        assert served["Content-Type"] == mime
        # re-encoded: the HTML after the image and the script in its comment are gone
        assert (b"<script" in body, b"<html" in body, b"fetch(" in body) == (False, False, False)
        Image.open(io.BytesIO(body)).verify()


# --- Every upload field is one of the above ----------------------------------------------
def _modules() -> Iterator[Any]:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in info.name and ".management" not in info.name:
                yield importlib.import_module(info.name)


def _upload_fields() -> dict[str, forms.Field]:
    found = {}
    for module in _modules():
        for name, cls in vars(module).items():
            is_form = isinstance(cls, type) and issubclass(cls, forms.BaseForm)
            if not is_form or cls.__module__ != module.__name__:
                continue
            for field_name, field in cls.base_fields.items():
                if isinstance(field, forms.FileField):
                    found[f"{module.__name__}.{name}.{field_name}"] = field
    return found


def test_every_upload_field_is_covered():
    fields = _upload_fields()
    assert set(fields) == set(SALURAN) | set(TIDAK_DISAJIKAN)
    assert {k for k, f in fields.items() if isinstance(f, UploadField)} == set(SALURAN)


def test_the_admin_offers_no_other_way_to_upload_a_served_file(admin):
    # The model fields holding uploads the portal serves back: only their forms may fill them.
    served = {("p2k2", "pertemuan", "foto"), ("verifikasi", "graduasi", "bukti")}
    served |= {("dtsen", "temuanriwayat", "bukti"), ("pemutakhiran", "bukti", "berkas")}
    served |= {("pengaduan", "lampiran", "berkas"), ("pendamping", "rujukan", "dokumen_jawaban")}
    served |= {("pendamping", "sosialisasi", "foto")}
    file_fields = {
        (m._meta.app_label, m._meta.model_name, f.name)
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.FileField)
    }
    generated = {("dtsen", "snapshot", "laporan"), ("dtsen", "eksporsiks", "file")}
    generated |= {("pemutakhiran", "batchsiks", "file")}
    # the rakor report's files are rendered by the portal (issue 19), never uploaded
    generated |= {("laporan", "laporanbulanan", "berkas_pdf")}
    generated |= {("laporan", "laporanbulanan", "berkas_xlsx")}
    generated |= {("laporan", "laporanbulanan", "berkas_pdf_umum")}  # without SDM (issue 21)
    generated |= {("laporan", "laporanbulanan", "berkas_xlsx_umum")}
    # uploaded spreadsheets the portal reads and never serves back (DTSEN, payout lists)
    dibaca = {("dtsen", "snapshot", "file"), ("kpm", "unggahanpenyaluran", "berkas")}
    assert file_fields == served | generated | dibaca
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=admin.pk)
    editable = set()
    for model, model_admin in django_admin.site._registry.items():
        form = model_admin.get_form(request, obj=None)
        for field in form.base_fields:
            key = (model._meta.app_label, model._meta.model_name, field)
            if key in served:
                editable.add(key)
    assert editable == set()


# --- Photos lose their EXIF location; old files are served by their content ---------------
def _jpeg_dengan_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the phone was held upright: rotate 90° to show
    exif[ExifTags.Base.Make] = "Kamera Pendamping"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (5.0, 6.0, 47.7)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 18.0, 24.5)
    return _gambar("JPEG", exif=exif)


def test_a_photo_is_served_upright_without_its_exif_location(client, ctx):
    # given: a real phone photo carrying its GPS position in EXIF
    kelompok = _kelompok(ctx)
    asli = _jpeg_dengan_gps()
    gps_asli = Image.open(io.BytesIO(asli)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert gps_asli[ExifTags.GPS.GPSLatitudeRef] == "S"  # the payload does carry a location
    client.force_login(ctx["pendamping"])
    # when
    _pertemuan_kirim(client, kelompok, SimpleUploadedFile("IMG_0001.jpg", asli, "image/jpeg"))
    client.force_login(ctx["admin"])
    served = client.get(_pertemuan_tersimpan(kelompok)[1])
    # then
    body = b"".join(served.streaming_content)
    foto = Image.open(io.BytesIO(body))
    assert (served["Content-Type"], foto.format, foto.size) == ("image/jpeg", "JPEG", (30, 40))
    assert dict(foto.getexif()) == {}
    assert (b"Exif" in body, b"Kamera Pendamping" in body) == (False, False)


@pytest.mark.parametrize(
    ("_case", "isi", "content_type", "disposition"),
    [
        ("png signature + html", PNG_TANDA + HTML, "image/png", "inline"),
        ("plain html", HTML, "application/octet-stream", "attachment"),
        ("svg", SVG, "application/octet-stream", "attachment"),
    ],
)
def test_a_file_stored_before_the_fix_is_served_by_its_content(
    client, ctx, _case, isi, content_type, disposition
):
    # given: what the attack left in storage, with the client's extension
    pertemuan = Pertemuan.objects.create(
        kelompok=_kelompok(ctx), tanggal="2025-03-10", topik="x", dibuat_oleh=ctx["pendamping"]
    )
    pertemuan.foto.storage.save(f"p2k2/foto/{pertemuan.client_id}.html", io.BytesIO(isi))
    Pertemuan.objects.filter(pk=pertemuan.pk).update(foto=f"p2k2/foto/{pertemuan.client_id}.html")
    client.force_login(ctx["admin"])
    # when
    served = client.get(reverse("p2k2:pertemuan-foto", args=[pertemuan.pk]))
    # then
    assert served["Content-Type"] == content_type
    assert served["Content-Disposition"].split(";")[0] == disposition
    assert (served["X-Content-Type-Options"], served["Content-Security-Policy"]) == (
        "nosniff",
        "sandbox",
    )
    assert b"".join(served.streaming_content) == isi


@functools.cache
def _kanvas(ukuran: tuple[int, int]) -> bytes:
    """A white PNG of `ukuran` pixels at 1 bit each: kilobytes on disk, a huge canvas."""
    buffer = io.BytesIO()
    Image.new("1", ukuran, 1).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("saluran_id", list(SALURAN))
@pytest.mark.parametrize("ukuran", [(6000, 5000), (20000, 10000)])  # 30 MP; past Pillow's bomb
def test_a_photo_canvas_past_25_megapixels_is_refused(client, ctx, saluran_id, ukuran):
    # given: a tiny file that decodes to a huge canvas
    saluran = SALURAN[saluran_id]
    target = saluran.siapkan(ctx)
    isi = _kanvas(ukuran)
    assert len(isi) < 100_000
    client.force_login(ctx["pendamping"])
    # when
    response = saluran.kirim(client, target, SimpleUploadedFile("foto.png", isi))
    # then
    assert (response.status_code, saluran.galat(response), saluran.tersimpan(target)) == (
        400,
        ["Foto terlalu besar: paling besar 25 megapiksel. Kecilkan resolusinya lalu unggah lagi."],
        None,
    )
