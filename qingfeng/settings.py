"""Qingfeng settings: one module, driven by environment variables.

Defaults are for a developer's machine and the demo (SQLite under ``var/``, DEBUG on).
Production sets ``QINGFENG_DEBUG=0`` and the variables listed in the README; with them
``manage.py check --deploy`` is clean.
"""

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import dj_database_url
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QINGFENG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable (1/0, true/false, yes/no, on/off)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable."""
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("QINGFENG_DEBUG", True)

# A fixed development key keeps the demo working from a fresh clone; production must set
# its own (the deploy check rejects this one because it is short and marked insecure).
SECRET_KEY = os.environ.get(
    "QINGFENG_SECRET_KEY", "django-insecure-qingfeng-development-key-do-not-use"
)
if not DEBUG and SECRET_KEY.startswith("django-insecure-"):
    raise RuntimeError("Set QINGFENG_SECRET_KEY when QINGFENG_DEBUG=0.")

ALLOWED_HOSTS = env_list(
    "QINGFENG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("QINGFENG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "simple_history",
    "axes",
    "qingfeng.core",
    "qingfeng.accounts",
    "qingfeng.org",
    "qingfeng.framework",
    "qingfeng.records",
    "qingfeng.scoring",
    "qingfeng.demo",
    "qingfeng.api",
    "qingfeng.dashboard",
    "qingfeng.inbox",
    "qingfeng.documents",
    "qingfeng.monitoring",
    "qingfeng.rectification",
    "qingfeng.duties",
    "qingfeng.reports",
    "qingfeng.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the policy too.
    "qingfeng.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qingfeng.core.middleware.DefaultLanguageMiddleware",
    # Under /api/: Chinese unless Accept-Language asks for English (qingfeng/api/wording.py).
    "qingfeng.api.wording.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A NUL in a URL or a form is a 400 before any view (PostgreSQL cannot hold one).
    "qingfeng.core.middleware.NulCharacterMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An account with a first-login password must choose its own before anything else.
    "qingfeng.accounts.middleware.PasswordChangeRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Selectors raise qingfeng.lib.errors.NotFound; this answers it with a 404.
    "qingfeng.lib.errors.NotFoundMiddleware",
    # Axes must be last: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy of every response (qingfeng.core.middleware): scripts, fonts,
# fetches and frames only from this site; no inline script (templates have none: data goes
# through json_script or data- attributes). Styles allow 'unsafe-inline' because ECharts'
# HTML tooltips and templates use style attributes (indentation of trees, chart heights);
# style-src-attr would be narrower but old intranet browsers ignore it and would then drop
# the tooltip layout.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}

ROOT_URLCONF = "qingfeng.urls"
# A refused CSRF check answers the site's own 403 page (qingfeng/core/errors.py).
CSRF_FAILURE_VIEW = "qingfeng.core.errors.csrf_failure"
WSGI_APPLICATION = "qingfeng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qingfeng.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite under var/ by default; PostgreSQL (or any URL dj-database-url reads) when set.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qingfeng.sqlite3'}"),
        conn_max_age=int(os.environ.get("QINGFENG_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer imports; a busy timeout avoids spurious locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login lockout: after this many failures for a username from one address, one hour.
AXES_FAILURE_LIMIT = int(os.environ.get("QINGFENG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("QINGFENG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# whitenoise warns on every request when STATIC_ROOT is missing; collectstatic fills it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# One cache shared by every server process (the API's per-token rate limit is counted in
# it); its table is created by ``migrate`` (core migration 0001).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qingfeng_cache",
    }
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded organisation and record files can be large; beyond this, reject early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("QINGFENG_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# Rows below the header and columns an imported sheet may have (docs/interchange-*.md).
IMPORT_MAX_ROWS = int(os.environ.get("QINGFENG_IMPORT_MAX_ROWS", "200000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("QINGFENG_IMPORT_MAX_COLUMNS", "200"))

# Cookies and transport. Production defaults to HTTPS; an intranet that really serves plain
# HTTP sets QINGFENG_HTTPS=0 and accepts the deploy-check warnings that follow.
HTTPS = env_bool("QINGFENG_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("QINGFENG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("QINGFENG_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
# The browser preload list is for public internet domains; intranet hosts cannot join it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]


def forwarded_client_ip(request: "HttpRequest") -> str | None:
    """The client's address behind our proxy: the last ``X-Forwarded-For`` entry, the one
    the proxy wrote itself (entries before it come from the client and may be forged)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR")


if env_bool("QINGFENG_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind the proxy every request comes from its address; without the forwarded one the
    # lockout (per username and address) would lock a username out for everyone.
    AXES_CLIENT_IP_CALLABLE = forwarded_client_ip
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("QINGFENG_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("QINGFENG_LOG_LEVEL", "WARNING")},
}

# Evidence files: what may be uploaded, and how large.
EVIDENCE_MAX_BYTES = int(os.environ.get("QINGFENG_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
EVIDENCE_EXTENSIONS = [".pdf", ".jpg", ".jpeg", ".png", ".gif", ".doc", ".docx", ".xls", ".xlsx"]
RECORDS_IMPORT_MAX_ROWS = int(os.environ.get("QINGFENG_RECORDS_IMPORT_MAX_ROWS", "200000"))

# API limits: the largest request body, the largest batch, requests per token per minute.
API_MAX_BODY_BYTES = int(os.environ.get("QINGFENG_API_MAX_BODY_BYTES", str(20 * 1024 * 1024)))
API_MAX_BATCH = int(os.environ.get("QINGFENG_API_MAX_BATCH", "20000"))
API_RATE_PER_MINUTE = int(os.environ.get("QINGFENG_API_RATE_PER_MINUTE", "120"))

# Page size of the long lists (units, people).
PAGE_SIZE = 50

QINGFENG_NAME = _("Qingfeng political ecology platform")

# Word documents: the number prefix (代字) of each kind, ``{region}`` standing for the
# issuing region's short name (its first character, or QINGFENG_REGION_SHORT_NAMES[code]).
# 黎纪预〔2026〕12号 is the 12th warning notice of 黎城县 in 2026 (docs/documents.md).
QINGFENG_DOCUMENT_PREFIXES = {
    "warning_notice": "{region}纪预",
    "recommendation": "{region}纪建",
    "accountability": "{region}纪责",
    # Reports (qingfeng.reports): one series per kind of paper.
    "diagnosis": "{region}纪诊",
    "analysis_half_year": "{region}纪析",
    "analysis_annual": "{region}纪析",
    "booklet": "{region}纪单",
    "circular": "{region}纪通",
    "feedback_unit": "{region}纪馈",
    "feedback_leader": "{region}纪馈",
    "filing": "{region}纪备",
}
QINGFENG_REGION_SHORT_NAMES: dict[str, str] = {}

# Surveys (qingfeng.surveys): the answers a unit needs by headcount, copied into each new
# campaign (qingfeng.surveys.rules.QuotaRule): at most 49 people → 30 %, at most 200 →
# 20 %, more → 15 %, and never fewer than 10 answers.
SURVEY_QUOTA = {"tiers": [[49, 30], [200, 20], [None, 15]], "floor": 10}
# Answers (responses, slips, rating tables) accepted per public link and minute, counted in
# the database cache; more get a "try again in a minute" page. No IP address is kept.
SURVEY_ANSWERS_PER_MINUTE = int(os.environ.get("QINGFENG_SURVEY_ANSWERS_PER_MINUTE", "120"))

# The two-responsibilities platform's personal reports (报备, qingfeng.duties.reports_rule):
# a trip of this many days or more out of the home area is reported by the day of leaving;
# a wedding or celebration this many days ahead; a funeral within this many days after.
DUTY_REPORT_HOME_AREA = os.environ.get("QINGFENG_DUTY_REPORT_HOME_AREA", "本市")
DUTY_REPORT_TRAVEL_DAYS = int(os.environ.get("QINGFENG_DUTY_REPORT_TRAVEL_DAYS", "3"))
DUTY_REPORT_CEREMONY_DAYS_AHEAD = int(os.environ.get("QINGFENG_DUTY_REPORT_CEREMONY_DAYS", "30"))
DUTY_REPORT_FUNERAL_DAYS_AFTER = int(os.environ.get("QINGFENG_DUTY_REPORT_FUNERAL_DAYS", "3"))

# Background work (batch reports): Huey. SQLite storage under var/ by default, a single
# file next to the database, no other service; Redis when QINGFENG_HUEY_REDIS_URL is set
# (several machines sharing one queue). The worker is ``manage.py run_huey`` (README line
# 1 starts it; docs/deploy.md for production). QINGFENG_HUEY_FILE moves the SQLite queue
# (the tests give each worker process its own).
if os.environ.get("QINGFENG_HUEY_REDIS_URL"):
    HUEY = {
        "name": "qingfeng",
        "huey_class": "huey.RedisHuey",
        "url": os.environ["QINGFENG_HUEY_REDIS_URL"],
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    # Under pytest each test process queues in its own file (a demo worker must never take
    # a test's task, nor two test processes each other's); tests/conftest.py starts the
    # worker the tests that need one use.
    _HUEY_DEFAULT = (
        Path(tempfile.gettempdir())
        / f"qingfeng-huey-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}.sqlite3"
        if os.environ.get("PYTEST_VERSION")
        else VAR_DIR / "huey.sqlite3"
    )
    HUEY = {
        "name": "qingfeng",
        "huey_class": "huey.SqliteHuey",
        "filename": os.environ.get("QINGFENG_HUEY_FILE", str(_HUEY_DEFAULT)),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
