"""QR codes as inline SVG: the one a phone's authenticator app scans at two-factor
enrolment, and the coupons printed under a P2K2 daftar hadir."""

import hashlib
from collections.abc import Iterable

import qrcode
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

# One module is 0,8 mm (qrcode's SVG box_size 8), the quiet zone 4 modules (ISO/IEC 18004).
MODUL_MM = 0.8
TEPI = 4


def qr_svg(uri: str) -> SafeString:
    """An inline SVG QR code of a URI (an otpauth:// link, a coupon's address): one path,
    no JavaScript, allowed by the CSP.

    The library still chooses the mask (the lowest-penalty one, as the standard asks); the
    path is written here from the module matrix, a square per dark module, because the
    library's SVG writer took two thirds of the time (issue 21: a daftar hadir prints 25)."""
    qr = qrcode.QRCode(border=TEPI)
    qr.add_data(uri)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    sisi = len(matrix)
    path = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, gelap in enumerate(row) if gelap
    )
    mm = f"{sisi * MODUL_MM:g}mm"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{mm}" height="{mm}" '
        f'viewBox="0 0 {sisi} {sisi}"><path d="{path}"/></svg>'
    )
    return mark_safe(svg)  # noqa: S308 (SVG we generated from a matrix of booleans)


QR_SIMPAN_DETIK = 35 * 24 * 60 * 60  # a coupon's link lasts its period (a month)


def qr_svg_banyak(uris: Iterable[str]) -> dict[str, SafeString]:
    """`qr_svg` of many URIs, each drawn once and kept in the cache: a URI's code never
    changes, and a sheet printed again (25 coupons) need not draw them again (issue 21).
    Two cache round trips whatever the number."""
    kunci = {uri: "qr:" + hashlib.sha256(uri.encode()).hexdigest() for uri in uris}
    ada = cache.get_many(list(kunci.values()))
    hasil = {uri: mark_safe(ada[k]) for uri, k in kunci.items() if k in ada}  # noqa: S308
    baru = {uri: qr_svg(uri) for uri in kunci if uri not in hasil}
    if baru:
        cache.set_many({kunci[uri]: str(svg) for uri, svg in baru.items()}, QR_SIMPAN_DETIK)
    return {**hasil, **baru}
