"""Accounts and web hardening: lockout, two-factor, password reset, session idle, CSP."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(client, operator):
    for _ in range(5):
        _login(client, "operator", "salah-sandi")
    response = _login(client, "operator", PASSWORD)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_then_success_signs_in(client, operator):
    for _ in range(4):
        _login(client, "operator", "salah-sandi")
    response = _login(client, "operator", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)


# --- Two-factor ------------------------------------------------------------------
@pytest.fixture
def otp_on(settings):
    settings.DINSOS_OTP_WAJIB = True


def _token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_operator_must_enrol_a_second_factor_before_any_page(client, operator, otp_on):
    client.force_login(operator)
    # when
    response = client.get(reverse("kpm:keluarga-list"), follow=True)
    # then: sent to verification, which sends a user without a device to enrolment
    assert response.redirect_chain[0][0] == "/akun/verifikasi/?next=/keluarga/"
    assert response.redirect_chain[-1][0].startswith("/akun/verifikasi/pasang/")
    assert response.context["secret"]
    assert "<svg" in response.content.decode()


def test_wrong_code_is_refused(client, operator, otp_on):
    client.force_login(operator)
    client.get(reverse("otp-setup"))
    wrong = client.post(reverse("otp-setup"), {"token": "000000", "next": "/keluarga/"})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors["token"] == [
        "Kode salah atau sudah kedaluwarsa. Masukkan 6 angka yang tampil sekarang."
    ]
    assert client.get(reverse("kpm:keluarga-list")).status_code == 302
    assert TOTPDevice.objects.get(user=operator).confirmed is False


def test_right_code_opens_the_portal(client, operator, otp_on):
    client.force_login(operator)
    client.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=operator)
    right = client.post(reverse("otp-setup"), {"token": _token(device), "next": "/keluarga/"})
    assert right.status_code == 302
    assert right["Location"] == "/keluarga/"
    assert client.get(reverse("kpm:keluarga-list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True


def test_enrolled_admin_is_asked_for_the_code_on_the_next_login(client, admin, otp_on):
    device = TOTPDevice.objects.create(user=admin, name="HP", confirmed=True)
    client.force_login(admin)
    assert client.get(reverse("audit-list"))["Location"] == "/akun/verifikasi/?next=/audit/"
    # a confirmed device cannot be replaced from the session
    assert client.get(reverse("otp-setup"))["Location"] == reverse("otp-verify")
    response = client.post(reverse("otp-verify"), {"token": _token(device), "next": "/audit/"})
    assert response["Location"] == "/audit/"
    assert client.get(reverse("audit-list")).status_code == 200


def test_pendamping_needs_no_second_factor(client, pendamping_hadimulyo, otp_on):
    client.force_login(pendamping_hadimulyo)
    assert client.get(reverse("kpm:keluarga-list")).status_code == 200


def test_next_cannot_send_the_user_to_another_site(client, operator, otp_on):
    client.force_login(operator)
    client.get(reverse("otp-setup"))
    device = TOTPDevice.objects.get(user=operator)
    response = client.post(
        reverse("otp-setup"), {"token": _token(device), "next": "https://jahat.example/"}
    )
    assert response["Location"] == reverse("home")


# --- Password reset ----------------------------------------------------------------
def test_password_reset_says_the_same_whether_or_not_the_account_exists(client, operator):
    operator.email = "operator@dinsos.example.go.id"
    operator.save(update_fields=["email"])
    known = client.post(reverse("password_reset"), {"email": "operator@dinsos.example.go.id"})
    unknown = client.post(reverse("password_reset"), {"email": "siapa@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["operator@dinsos.example.go.id"]
    assert "kata sandi baru" in mail.outbox[0].body
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "Bila alamat itu terdaftar" in done


# --- Sessions ------------------------------------------------------------------------
def test_a_request_pushes_the_idle_expiry_an_hour_ahead(client, operator):
    client.force_login(operator)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    client.get(reverse("home"))
    expiry = Session.objects.get(pk=key).expire_date
    assert expiry > timezone.now() + datetime.timedelta(minutes=59)


def test_the_idle_expiry_is_pushed_at_most_once_a_minute(client, operator):
    # given: a request just refreshed the session
    client.force_login(operator)
    client.get(reverse("home"))
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=30)
    Session.objects.filter(pk=key).update(expire_date=soon)
    # when: another request within the minute
    client.get(reverse("home"))
    # then: no write (the expiry stays) — a page view costs no session UPDATE
    assert Session.objects.get(pk=key).expire_date == soon


def test_an_idle_session_is_signed_out(client, operator):
    client.force_login(operator)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    cache.clear()  # the cached_db backend would otherwise still trust its cache
    assert client.get(reverse("home")).status_code == 302


# --- Headers ---------------------------------------------------------------------------
def test_pages_carry_a_strict_content_security_policy(client, operator):
    client.force_login(operator)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
