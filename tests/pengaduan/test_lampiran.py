"""Attachments: checked by content on the way in, served inert through an access check."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dinsos.models import AuditEvent
from pengaduan.models import Lampiran
from tests.factories import foto_bytes, keluarga_with_pengurus
from tests.pengaduan.helpers import buat_pengaduan

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pengaduan(operator, kota_metro, pendamping_hadimulyo):
    keluarga = keluarga_with_pengurus(
        kelurahan=kota_metro["Hadimulyo Barat"], pendamping=pendamping_hadimulyo
    )
    return buat_pengaduan(oleh=operator, keluarga=keluarga, nik="")


def _upload(client, pengaduan, name, content, keterangan="Surat RT"):
    return client.post(
        reverse("pengaduan:lampiran-create", args=[pengaduan.pk]),
        {"berkas": SimpleUploadedFile(name, content), "keterangan": keterangan},
    )


def test_the_holder_uploads_a_pdf_and_it_is_served_as_a_download(
    client, pengaduan, pendamping_hadimulyo
):
    client.force_login(pendamping_hadimulyo)
    response = _upload(client, pengaduan, "surat.html", PDF)  # the name lies; the bytes decide
    assert response.status_code == 302
    lampiran = Lampiran.objects.get()
    assert (lampiran.keterangan, lampiran.tipe, lampiran.berkas.name.endswith(".pdf")) == (
        "Surat RT",
        "application/pdf",
        True,
    )
    response = client.get(reverse("pengaduan:lampiran-detail", args=[pengaduan.pk, lampiran.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="lampiran-pengaduan-{lampiran.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == PDF
    assert (
        AuditEvent.objects.filter(
            user=pendamping_hadimulyo, action="view", object_type="pengaduan.lampiran"
        ).count()
        == 1
    )


def test_a_photo_is_re_encoded_and_served_inline(client, pengaduan, operator):
    client.force_login(operator)
    _upload(client, pengaduan, "foto.jpg", foto_bytes("JPEG"), keterangan="Foto KKS")
    lampiran = Lampiran.objects.get()
    response = client.get(reverse("pengaduan:lampiran-detail", args=[pengaduan.pk, lampiran.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        f'inline; filename="lampiran-pengaduan-{lampiran.pk}.jpg"'
    )


def test_html_disguised_as_a_document_is_refused(client, pengaduan, operator):
    client.force_login(operator)
    response = _upload(client, pengaduan, "surat.pdf", b"<html><script>alert(1)</script>")
    assert response.status_code == 400
    assert response.context["lampiran_form"].errors == {
        "berkas": ["Berkas harus PDF atau foto JPG, PNG atau WEBP."]
    }
    assert Lampiran.objects.count() == 0


def test_another_pendamping_gets_404_and_nothing_is_audited(
    client, pengaduan, operator, pendamping_iringmulyo
):
    client.force_login(operator)
    _upload(client, pengaduan, "surat.pdf", PDF)
    lampiran = Lampiran.objects.get()
    client.force_login(pendamping_iringmulyo)
    before = AuditEvent.objects.count()
    url = reverse("pengaduan:lampiran-detail", args=[pengaduan.pk, lampiran.pk])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.count() == before
