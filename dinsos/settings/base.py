"""Settings for every environment; production differs only by environment variables.

Every variable is documented in `.env.example`. Invalid values stop the process at start
with `ImproperlyConfigured` naming the variable.
"""

import datetime
import re
from pathlib import Path
from urllib.parse import unquote

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")  # developer convenience; real env vars win

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable strictly: a typo such as `DJANGO_DEBUG=ture` fails at start."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} bukan nilai ya/tidak (pakai true atau false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a non-negative integer variable strictly."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} harus bilangan bulat.") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} harus ≥ {minimum}.")
    return value


# --- Core -------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY wajib diisi (lihat .env.example).")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "dinsos.apps.DinsosAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "import_export",
    "dinsos",
    "kpm",
    "pendamping",
    "verifikasi",  # komitmen, graduasi, Sekolah Rakyat: on kpm, beside pendamping
    "p2k2",
    "dtsen",
    "pengaduan",
    "pemutakhiran",  # the monthly DTSEN proposals to SIKS-NG (issue 17), beside pengaduan
    "laporan",  # the monthly rakor report (issue 19): reads every app above, below demo
    "demo",  # demo data generators and seed_demo; above every app, imported by none
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dinsos.middleware.IdleExpiryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "dinsos.middleware.NoStoreMiddleware",  # pages for a signed-in user are never cached
    "django_otp.middleware.OTPMiddleware",
    "dinsos.middleware.OtpRequiredMiddleware",
    "dinsos.middleware.OperatorKelurahanMiddleware",  # that role opens only its own pages
    "dinsos.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "dinsos.urls"
WSGI_APPLICATION = "dinsos.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dinsos.navigation.navigation",
            ],
            "builtins": ["dinsos.templatetags.format_id"],
        },
    }
]

# --- Locale -----------------------------------------------------------------
LANGUAGE_CODE = "id"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# The office named in the heading of every printed page (issue 14).
DINSOS_NAMA_KANTOR = env.str("DINSOS_NAMA_KANTOR", default="Dinas Sosial Kota Metro")

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/dinsos")
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL harus menunjuk ke PostgreSQL (postgres://…).")
# libpq URIs write a Unix-socket directory as a percent-encoded host (%2Fvar%2Frun%2F…);
# django-environ passes it through encoded.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST", ""))
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Issue 21: PostgreSQL's JIT compiles a plan once its estimated cost passes `jit_above_cost`;
# at province scale that is most aggregate pages, and compiling cost 1–4 s on plans that run
# in 100–200 ms without it (Beranda, P2K2 recaps, reconciliation summary). The portal's
# statements are short and repeated, where JIT does not pay, so it is off for the portal's
# connections (the server's own setting is untouched). DINSOS_DB_JIT=true turns it back on.
if not env.bool("DINSOS_DB_JIT", default=False):
    _opsi = DATABASES["default"].setdefault("OPTIONS", {})
    _opsi["options"] = f"{_opsi.get('options', '')} -c jit=off".strip()

# --- Cache and broker -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "redis+socket://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL harus berupa redis://host:port/db.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "dinsos.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "dinsos.auth.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An office PC left open: a session ends after an hour without a request (every request
# pushes the expiry forward), or when the browser closes.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_SECONDS", default=60 * 60, minimum=300)
SESSION_SAVE_EVERY_REQUEST = False  # dinsos.middleware.IdleExpiryMiddleware, once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Login lockout (django-axes): 5 failures for one username lock it for 30 minutes. Locking
# by username rather than IP: a whole office shares one public IP.
AXES_FAILURE_LIMIT = env_int("DINSOS_LOGIN_GAGAL_MAKS", default=5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks to lock by IP too; at an office behind one NAT address that would lock
# every colleague out after one person's typos, so per-username locking is deliberate.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# TOTP two-factor for the roles that change or export data (django-otp).
DINSOS_OTP_WAJIB = env_bool("DINSOS_OTP_WAJIB", default=True)
DINSOS_OTP_ROLES = ("admin", "operator")
OTP_TOTP_ISSUER = "Portal Dinsos"
# Password reset mails (the reset page never says whether an account exists).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal-dinsos@localhost")
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60

# --- Security ---------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container healthchecks speak plain HTTP
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere (scripts/check_rules.py enforces it in templates).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
# NIK/No KK searches per user (dinsos.pencarian): "count/period", e.g. "30/10m" = 30 searches
# per 10 minutes (django-ratelimit syntax, counted in the Redis cache).
DINSOS_CARI_IDENTITAS_BATAS = env.str("DINSOS_CARI_IDENTITAS_BATAS", default="30/10m")
if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", DINSOS_CARI_IDENTITAS_BATAS):
    raise ImproperlyConfigured(
        f"DINSOS_CARI_IDENTITAS_BATAS={DINSOS_CARI_IDENTITAS_BATAS!r} harus berbentuk "
        "jumlah/periode, mis. 30/10m."
    )

# --- Pengaduan (public status page and response letters) --------------------------
# Look-ups of the public complaint status page, per client IP and per ticket number typed
# (django-ratelimit syntax, counted in the Redis cache): enough for a citizen, too few to
# enumerate tickets.
DINSOS_STATUS_PENGADUAN_BATAS_IP = env.str("DINSOS_STATUS_PENGADUAN_BATAS_IP", default="20/h")
DINSOS_STATUS_PENGADUAN_BATAS_TIKET = env.str("DINSOS_STATUS_PENGADUAN_BATAS_TIKET", default="5/h")
for _nama in ("DINSOS_STATUS_PENGADUAN_BATAS_IP", "DINSOS_STATUS_PENGADUAN_BATAS_TIKET"):
    if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", globals()[_nama]):
        raise ImproperlyConfigured(f"{_nama} harus berbentuk jumlah/periode, mis. 20/h.")
# Issue 20 (D10): requests to the family's public satisfaction page per client IP
# (django-ratelimit syntax, counted in the Redis cache): a group sharing one phone answers
# comfortably, probing tokens does not.
DINSOS_KEPUASAN_BATAS_IP = env.str("DINSOS_KEPUASAN_BATAS_IP", default="60/h")
if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", DINSOS_KEPUASAN_BATAS_IP):
    raise ImproperlyConfigured(
        "DINSOS_KEPUASAN_BATAS_IP harus berbentuk jumlah/periode, mis. 60/h."
    )
# The address under DINSOS_NAMA_KANTOR in the heading of a printed response letter.
DINSOS_ALAMAT_KANTOR = env.str(
    "DINSOS_ALAMAT_KANTOR", default="Jl. AH Nasution No. 1, Kota Metro, Lampung"
)

# --- Static and media files -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))


def _xstatic_dir(module: str) -> str:
    """Directory of an xstatic package: third-party assets come from pip, never a CDN."""
    package = __import__(module, fromlist=["BASE_DIR"])
    return str(package.BASE_DIR)


STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", _xstatic_dir("xstatic.pkg.bootstrap")),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Uploads ----------------------------------------------------------------
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads stream to a temp file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # one P2K2 attendance form or bulk assignment fits
# The Final Closing PROVINSI column (DOMAIN.md §7) when the Wilayah table stops at the kota.
DINSOS_PROVINSI_NAMA = "Lampung"

# --- Import -----------------------------------------------------------------
# DTSEN/PBI-JK files (dtsen app): the largest upload accepted, and the zip-bomb guards an
# XLSX must pass before any row is read (a 1,000,000-row DTSEN XLSX unpacks to ~1 GB, 10x).
DTSEN_UPLOAD_MAX_BYTES = env_int("DTSEN_UPLOAD_MAX_BYTES", default=512 * 1024 * 1024, minimum=1)
# Bank/Pos payout lists (kpm, issue 20): the largest upload, and up to which size a list is
# checked and applied in the request; a larger one runs as a Celery task with progress
# (about 3.000 CSV rows per 256 KB; an XLSX holds several times more).
PENYALURAN_UPLOAD_MAX_BYTES = env_int(
    "PENYALURAN_UPLOAD_MAX_BYTES", default=64 * 1024 * 1024, minimum=1
)
PENYALURAN_LANGSUNG_MAX_BYTES = env_int(
    "PENYALURAN_LANGSUNG_MAX_BYTES", default=256 * 1024, minimum=0
)
PENYALURAN_LANGSUNG_MAX_BARIS = env_int("PENYALURAN_LANGSUNG_MAX_BARIS", default=5000, minimum=0)
DTSEN_XLSX_MAX_UNCOMPRESSED_BYTES = env_int(
    "DTSEN_XLSX_MAX_UNCOMPRESSED_BYTES", default=4 * 1024 * 1024 * 1024, minimum=1
)
DTSEN_XLSX_MAX_RATIO = env_int("DTSEN_XLSX_MAX_RATIO", default=100, minimum=1)
# Hostile files (issue 22): a row wider than this many columns is refused at the first read (a
# DTSEN file has about 20), and the shared strings of an XLSX kept in memory up to this many
# bytes before the rest spill to a temporary file (a 1,000,000-row Excel file fits).
DTSEN_MAX_KOLOM = env_int("DTSEN_MAX_KOLOM", default=500, minimum=50)
DTSEN_XLSX_SHARED_STRINGS_MEMORY_BYTES = env_int(
    "DTSEN_XLSX_SHARED_STRINGS_MEMORY_BYTES", default=256 * 1024 * 1024, minimum=0
)
# Reconciliation runs in one task ("tunggal") or fanned out per kecamatan ("chord"):
# bench/reconcile.py measures both (README, design).
DTSEN_REKONSILIASI_MODE = env.str("DTSEN_REKONSILIASI_MODE", default="tunggal")
if DTSEN_REKONSILIASI_MODE not in {"tunggal", "chord"}:
    raise ImproperlyConfigured("DTSEN_REKONSILIASI_MODE harus 'tunggal' atau 'chord'.")

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# acks_late redelivers a task whose worker died; the visibility timeout must outlast the
# longest task (hard limit below) or Redis would hand a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 60 * 60}
# kombu's Redis transport, fixed so that a worker survives a Redis restart (dinsos/broker.py).
# rediss:// and socket URLs keep kombu's own (its TLS defaults depend on the scheme).
if REDIS_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "dinsos.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = False  # never eager: it hides serialization and commit-timing bugs
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # outcomes live on model rows the browser polls
# A chord (reconciliation split by kecamatan) counts its finished parts in a result backend;
# only the tasks that opt in (ignore_result=False) store anything there.
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 2 * 60 * 60
CELERY_TASK_TIME_LIMIT = 2 * 60 * 60 + 5 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_HEAVY_QUEUE = "berat"  # imports and reconciliation: long, memory-hungry jobs
CELERY_TASK_ROUTES = {
    "dtsen.tasks.*": {"queue": CELERY_HEAVY_QUEUE},
    "kpm.tasks.penyaluran_periksa_task": {"queue": CELERY_HEAVY_QUEUE},
    "kpm.tasks.penyaluran_terapkan_task": {"queue": CELERY_HEAVY_QUEUE},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULE = {
    # Every minute, so /healthz and `healthcheck --component beat` can tell beat is alive.
    "heartbeat": {"task": "dinsos.tasks.heartbeat_record_task", "schedule": 60.0},
    # 00.30 WIB: components change with age (a child turning 7 leaves "anak usia dini").
    "komponen-harian": {
        "task": "kpm.tasks.keluarga_komponen_refresh_task",
        "schedule": crontab(hour=0, minute=30),
    },
    # 00.15 WIB: the day just ended is complete; summarise its audit log for the yearly
    # data-protection indicator (pendamping).
    "rekap-akses-harian": {
        "task": "pendamping.tasks.rekap_akses_harian_task",
        "schedule": crontab(hour=0, minute=15),
    },
    # Every 5 minutes (issue 21): the running year's performance summary rows older than
    # the setting `ringkasan_umur_menit`, so the pages read ready figures.
    "ringkasan-kinerja": {
        "task": "pendamping.tasks.ringkasan_kinerja_task",
        "schedule": 300.0,
    },
    # Every 5 minutes (issue 21): the next intake's Sekolah Rakyat candidates, so the list
    # and its export read a summary younger than the setting `ringkasan_umur_menit`.
    "ringkasan-sekolah-rakyat": {
        "task": "verifikasi.tasks.sekolah_rakyat_ringkasan_task",
        "schedule": 300.0,
    },
    # 06.00 WIB, before the office opens: complaints that passed their deadline overnight
    # reach the koordinator's Beranda by the first look of the day.
    "pengaduan-eskalasi": {
        "task": "pengaduan.tasks.pengaduan_eskalasi_task",
        "schedule": crontab(hour=6, minute=0),
    },
    # Hourly: an e-PKH upload kept for its preview holds full NIKs; delete it once the
    # preview has expired (an hour), so none stays longer than two.
    "epkh-unggahan-kedaluwarsa": {
        "task": "verifikasi.tasks.epkh_unggahan_hapus_kedaluwarsa_task",
        "schedule": crontab(minute=5),
    },
    # 01.30 WIB daily (issue 20): a payout list uploaded but not applied within a week holds
    # families' payouts in staging rows; close it then, outside office hours.
    "penyaluran-kedaluwarsa": {
        "task": "kpm.tasks.penyaluran_kedaluwarsa_task",
        "schedule": crontab(hour=1, minute=30),
    },
    # 00.15 WIB daily: the day after the SIKS-NG cut-off (a dated setting), proposals not yet
    # sent move to the batch now open, so lists and figures show where they will go.
    "usulan-geser-bulan": {
        "task": "pemutakhiran.tasks.usulan_geser_bulan_task",
        "schedule": crontab(hour=0, minute=15),
    },
    # 02.00 WIB on the 1st: last month is closed; freeze its rakor report (city and each
    # kecamatan) before the office opens. Idempotent: a month that has a report keeps it.
    "laporan-bulanan": {
        "task": "laporan.tasks.laporan_bulanan_terjadwal_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    # 01.00 WIB, outside office hours: remove history rows past their retention period.
    "retensi": {"task": "dinsos.tasks.retensi_hapus_task", "schedule": crontab(hour=1, minute=0)},
    # 01.30 WIB (issue 21): the P2K2 summaries are kept by the services that write meetings
    # and marks; rebuild them from the records nightly for writes made any other way.
    "ringkasan-p2k2": {
        "task": "p2k2.tasks.ringkasan_bangun_ulang_task",
        "schedule": crontab(hour=1, minute=30),
    },
}

# --- Retention (DOMAIN.md §10: delete data when its retention ends) ------------
# History rows older than these periods are removed nightly by `manage.py retensi`:
# "app_label.Model" -> (date field, days).
DINSOS_RETENSI: dict[str, tuple[str, int]] = {
    "dinsos.AuditEvent": ("created_at", env_int("DINSOS_RETENSI_AUDIT_HARI", 5 * 365, minimum=30)),
    "kpm.RiwayatPerubahan": (
        "created_at",
        env_int("DINSOS_RETENSI_RIWAYAT_HARI", 5 * 365, minimum=30),
    ),
    "axes.AccessAttempt": ("attempt_time", 90),
}

# --- Logging ----------------------------------------------------------------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL={LOG_LEVEL!r} tidak dikenal.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Never log a full NIK/No KK: every record passes through the redacting filter.
    "filters": {"redact_identifiers": {"()": "dinsos.log_filters.RedactIdentifiersFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_identifiers"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # one INFO line per login otherwise
    },
}
