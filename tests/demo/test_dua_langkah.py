"""Two-factor sign-in in the demo (issue 14): stays required for admin and operator, and the
key `make run` prints (dinsos.demo) opens it."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP

from dinsos.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    demo_totp_code,
    demo_totp_secret,
    demo_totp_uri,
)

pytestmark = pytest.mark.django_db


def test_demo_admin_passes_two_factor_with_the_printed_demo_key(client, settings):
    # given: the demo as `make run` seeds it, two-factor enforced as in production
    settings.DINSOS_OTP_WAJIB = True
    call_command("seed_demo", "--keluarga", "0")
    client.post(reverse("login"), {"username": "admin", "password": DEMO_PASSWORD})
    # when: the page asks for the code, and the tester types the demo key's current code
    asked = client.get(reverse("home"))
    answered = client.post(
        reverse("otp-verify"), {"token": demo_totp_code(), "next": reverse("home")}
    )
    # then
    assert asked["Location"] == "/akun/verifikasi/?next=/"
    assert answered.status_code == 302
    assert answered["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_demo_key_is_printed_as_an_authenticator_secret():
    assert demo_totp_secret() == "JYFXBJ4EXQ6WI342QHZG4XDEZ7VFYU7Y"
    assert demo_totp_uri("operator") == (
        "otpauth://totp/Portal%20Dinsos%3Aoperator"
        "?secret=JYFXBJ4EXQ6WI342QHZG4XDEZ7VFYU7Y&issuer=Portal+Dinsos"
    )


def test_demo_code_follows_rfc_6238():
    # the same key and time through django-otp's own TOTP gives the same code
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY), step=30, t0=0, digits=6, drift=0)
    totp.time = 1_750_000_000
    assert demo_totp_code(at=1_750_000_000) == f"{totp.token():06d}"
