"""Demo accounts for `make run` (Django-free, so the launcher can print them)."""

import base64
import hmac
import struct
import sys
import time
import urllib.parse

# Demo data only; never load on a production database.
DEMO_PASSWORD = "Metro-Demo-2025"  # noqa: S105

# (username, nama, role, Kemendagri code of the area) — DOMAIN.md §12: Kota Metro.
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "Admin Dinsos", "admin", "18.72"),
    ("operator", "Operator Data", "operator", "18.72"),
    ("koordinator", "Koordinator Metro Pusat", "koordinator", "18.72.01"),
    ("pendamping", "Pendamping Hadimulyo Barat", "pendamping", "18.72.01.1004"),
    ("pendamping2", "Pendamping Iring Mulyo", "pendamping", "18.72.04.1003"),
    # Issue 17: the DTSEN proposals of one kelurahan/desa, nothing else.
    (
        "operator_kelurahan",
        "Operator Kelurahan Hadimulyo Barat",
        "operator_kelurahan",
        "18.72.01.1004",
    ),
)

# Two-factor sign-in stays required for admin and operator in the demo (DINSOS_OTP_WAJIB):
# seed_demo gives both accounts a confirmed TOTP device with this key, and `make run` prints
# it as a secret and an otpauth:// link for an authenticator app. `python -m dinsos.demo`
# prints the code of the moment for testers without a phone. Demo data only.
DEMO_TOTP_KEY = "4e0b70a784bc3d646f9a81f26e5c64cfea5c53f8"  # hex, as django-otp stores it
DEMO_TOTP_USERS = ("admin", "operator")
TOTP_STEP_SECONDS = 30  # django-otp's TOTPDevice defaults: 30 s steps, 6 digits, SHA-1
TOTP_DIGITS = 6


def demo_totp_secret() -> str:
    """The demo key in base32, as authenticator apps take it."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def demo_totp_uri(username: str) -> str:
    """An otpauth:// link for `username` (QR code generators and most apps accept it)."""
    label = urllib.parse.quote(f"Portal Dinsos:{username}")
    query = urllib.parse.urlencode({"secret": demo_totp_secret(), "issuer": "Portal Dinsos"})
    return f"otpauth://totp/{label}?{query}"


def demo_totp_code(at: float | None = None) -> str:
    """The demo key's TOTP code at `at` (Unix time; now by default), RFC 6238."""
    counter = int((time.time() if at is None else at) // TOTP_STEP_SECONDS)
    digest = hmac.new(bytes.fromhex(DEMO_TOTP_KEY), struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**TOTP_DIGITS).zfill(TOTP_DIGITS)


if __name__ == "__main__":
    sys.stdout.write(f"Kode dua langkah demo (admin, operator): {demo_totp_code()}\n")
