"""Files users upload and the portal serves back: never active content (issue #22, finding 1).

A meeting "photo" that began with a PNG signature and went on with HTML, named `.html`, was
stored with the client's extension and served inline as text/html: its script ran in the
session of the admin who opened it. So, for every upload the portal stores and serves back:

- On the way in (`UploadField` in a form): the type is read from the content (magic bytes;
  images are decoded by Pillow), never from the client's name or header; the stored name is
  random and its extension comes from that type; images are re-encoded, which drops EXIF
  (GPS location included, after applying its orientation), comments and anything appended.
- On the way out (`upload_response`): the type is read again from the stored bytes (files
  stored before this rule may carry any name); images are served inline as image/jpeg, png or
  webp, anything else as a download with a safe type; every response carries nosniff,
  `Content-Security-Policy: sandbox` and `Cache-Control: no-store`. (Files the portal
  generates itself are served by `dinsos.ekspor`.)
"""

from __future__ import annotations

import io
import struct
import uuid
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from PIL import Image, ImageOps


@dataclass(frozen=True)
class FileType:
    """A kind of file the portal accepts, told by its first bytes."""

    content_type: str
    extension: str
    label: str  # as the user knows it, in messages
    pillow_format: str = ""  # set for images: decoded and re-encoded by Pillow

    @property
    def is_image(self) -> bool:
        return bool(self.pillow_format)


JPEG = FileType("image/jpeg", "jpg", "JPG", "JPEG")
PNG = FileType("image/png", "png", "PNG", "PNG")
WEBP = FileType("image/webp", "webp", "WEBP", "WEBP")
PDF = FileType("application/pdf", "pdf", "PDF")
FILE_TYPES = (PDF, JPEG, PNG, WEBP)  # the order of the types in messages
FOTO = frozenset({JPEG, PNG, WEBP})
DOKUMEN = frozenset({PDF, JPEG, PNG, WEBP})  # a letter: scanned (PDF) or photographed
OCTET_STREAM = "application/octet-stream"
MAX_BYTES = 5 * 1024 * 1024  # a phone photo or a scanned letter
# Against decompression bombs: a 5 MB file can claim a huge canvas, and decoding holds about
# 3 bytes per pixel (plus a copy when rotating). 25 megapixels is a 24 MP camera's full size.
MAX_PIXELS = 25_000_000
HEAD_BYTES = 16
JPEG_QUALITY = 90
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # No scripts, no forms, a unique origin: even a document rendered by mistake is inert.
    "Content-Security-Policy": "sandbox",
    "Cache-Control": "no-store",  # personal evidence stays out of shared and browser caches
}
TOO_MANY_PIXELS = (
    f"Foto terlalu besar: paling besar {MAX_PIXELS // 1_000_000} megapiksel. "
    "Kecilkan resolusinya lalu unggah lagi."
)
UNREADABLE_IMAGE = "Foto tidak bisa dibaca (rusak atau bukan foto); unggah foto aslinya."
# What Pillow raises on broken or hostile image data (and the bomb check, turned into an error).
PILLOW_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
)


def detect_type(head: bytes) -> FileType | None:
    """The accepted type whose signature `head` (the first bytes of a file) starts with."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def type_message(allowed: Collection[FileType]) -> str:
    """The Indonesian refusal for a file of another type than `allowed`."""
    labels = [t.label for t in FILE_TYPES if t in allowed and t.is_image]
    images = " atau ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)
    if PDF in allowed:
        return f"Berkas harus PDF atau foto {images}." if images else "Berkas harus PDF."
    return f"Berkas ini bukan foto {images}."


def upload_clean(
    upload: File, *, allowed: Collection[FileType], max_bytes: int = MAX_BYTES
) -> SimpleUploadedFile:
    """The upload as the portal stores it: checked by content, renamed, images re-encoded.

    Raises ValidationError (Indonesian) when it is too big, of a type not `allowed`, or an
    image Pillow cannot decode or whose canvas exceeds MAX_PIXELS.
    """
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            f"Berkas paling besar {max_bytes // (1024 * 1024)} MB; kecilkan lalu unggah lagi.",
            code="too_big",
        )
    upload.seek(0)
    file_type = detect_type(upload.read(HEAD_BYTES))
    upload.seek(0)
    if file_type is None or file_type not in allowed:
        raise ValidationError(type_message(allowed), code="type")
    content = _reencode(upload, file_type) if file_type.is_image else upload.read()
    return SimpleUploadedFile(
        f"{uuid.uuid4().hex}.{file_type.extension}", content, content_type=file_type.content_type
    )


def _reencode(upload: IO[bytes], file_type: FileType) -> bytes:
    """Decode the image and write it again: only the pixels (and colour profile) survive."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[file_type.pillow_format]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(TOO_MANY_PIXELS, code="pixels")
                upright = ImageOps.exif_transpose(image)
                encodable = _encodable(upright, file_type)
                # A profile describes the original mode's colours: kept only if the mode is.
                icc_profile = upright.info.get("icc_profile") if encodable is upright else None
                encodable.info = {}  # EXIF, XMP, comments and text chunks are not written back
                out = io.BytesIO()
                options: dict[str, Any] = {"icc_profile": icc_profile} if icc_profile else {}
                if file_type is not PNG:
                    options["quality"] = JPEG_QUALITY
                encodable.save(out, file_type.pillow_format, **options)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(TOO_MANY_PIXELS, code="pixels") from exc
    except PILLOW_ERRORS as exc:
        raise ValidationError(UNREADABLE_IMAGE, code="image") from exc
    return out.getvalue()


def _encodable(image: Image.Image, file_type: FileType) -> Image.Image:
    """The image in a mode its format can store (JPEG has no alpha; WEBP only RGB/RGBA)."""
    if file_type is JPEG:
        return image if image.mode in {"RGB", "L"} else image.convert("RGB")
    if image.mode in {"RGB", "RGBA"} or (file_type is PNG and image.mode in {"L", "LA"}):
        return image
    has_alpha = image.mode in {"LA", "PA"} or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


class UploadField(forms.FileField):
    """A file field whose cleaned value is `upload_clean`'s: the only way an upload that the
    portal serves back enters it (tests/dinsos/test_uploads.py checks every form)."""

    def __init__(
        self, *, allowed: Collection[FileType], max_bytes: int = MAX_BYTES, **kwargs: Any
    ) -> None:
        self.allowed = frozenset(allowed)
        self.max_bytes = max_bytes
        accept = ",".join(t.content_type for t in FILE_TYPES if t in self.allowed)
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> SimpleUploadedFile | None:
        upload = super().to_python(data)
        if upload is None:
            return None
        return upload_clean(upload, allowed=self.allowed, max_bytes=self.max_bytes)


# --- Serving ------------------------------------------------------------------------------
def upload_response(stored: FieldFile, *, filename: str) -> FileResponse:
    """Serve a stored upload: images inline as their detected image type, anything else as a
    download (`filename` plus the detected extension), with the safe headers.

    The type comes from the stored bytes, not the stored name: files kept before uploads were
    renamed may carry any extension.
    """
    handle = stored.open("rb")
    file_type = detect_type(handle.read(HEAD_BYTES))
    handle.seek(0)
    if file_type is not None and file_type.is_image:
        response = FileResponse(
            handle,
            content_type=file_type.content_type,
            filename=f"{filename}.{file_type.extension}",
        )
    elif file_type is PDF:
        response = FileResponse(
            handle, as_attachment=True, content_type=PDF.content_type, filename=f"{filename}.pdf"
        )
    else:
        response = FileResponse(
            handle, as_attachment=True, content_type=OCTET_STREAM, filename=f"{filename}.bin"
        )
    return protect(response)


def protect(response: FileResponse) -> FileResponse:
    """Add nosniff, the sandbox CSP and no-store (CSPMiddleware keeps a CSP already set)."""
    for header, value in SAFE_HEADERS.items():
        response[header] = value
    return response


def stored_extension(filename: str) -> str:
    """The extension an `upload_to` may keep: one the portal names files with, else "bin".

    `UploadField` already names files by their content; this covers any other path (the
    admin, a script), so a client's `.html` or `.svg` never reaches the storage.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return extension if extension in {t.extension for t in FILE_TYPES} else "bin"
