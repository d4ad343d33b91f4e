"""Two-factor enrolment helpers: the QR code a phone's authenticator app scans."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe


def qr_svg(uri: str) -> SafeString:
    """An inline SVG QR code of an otpauth:// URI (no JavaScript, allowed by the CSP)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 (SVG we generated)
