"""Forms of the shared core."""

from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form with Indonesian messages that reveal nothing about accounts."""

    error_messages = {
        "invalid_login": "Nama pengguna atau kata sandi salah. Periksa lalu coba lagi.",
        "inactive": "Akun ini tidak aktif. Hubungi admin Dinas Sosial.",
    }
