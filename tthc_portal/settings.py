"""Settings, driven by the environment.

Development (the default): SQLite in db.sqlite3, DEBUG off unless DEBUG=1.
Production: DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and HTTPS=1 — then
`manage.py check --deploy` is clean.
"""
import os
from datetime import date
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(int(default))).strip().lower() in ("1", "true", "yes", "on")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# The fallback key is flagged by `check --deploy` (security.W009): production must set its own.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-development-only-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "tthc_portal.apps.AxesConfig",
    "django_tasks",
    "tthc_portal.apps.ExportQueueConfig",
    "units",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check reads the form: oversized uploads refused unread, posted text cleaned.
    "tthc_portal.middleware.InputBoundaryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tthc_portal.urls"
WSGI_APPLICATION = "tthc_portal.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked before each request uses it: after the database restarts,
        # the first request of each worker reconnects instead of answering 500.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the export worker (`make run`) share the file. By default SQLite begins a
    # transaction as a reader and fails at once with "database is locked" when it must become a
    # writer while the worker holds its lock; IMMEDIATE takes the write lock at BEGIN and waits for
    # it (up to `timeout` seconds). WAL lets pages read while a save or the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "memo": answers kept by what they were made from (reports/memo.py), in each process, bounded by
# the bytes they hold (tthc_portal/cache.py): from a few kB (a tab's fragment, the carry-over's sums)
# to a report page's six biểu laid out, 150 kB for 5 lĩnh vực, 600 kB for 30, 1 MB for 50. An
# opened report holds four entries: 64 MB keep the pages of some 400 reports of 5 lĩnh vực, 100 of 30.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "memo": {"BACKEND": "tthc_portal.cache.SizedLocMemCache", "LOCATION": "memo", "TIMEOUT": None,
             "OPTIONS": {"MAX_ENTRIES": 100_000,
                         "MAX_BYTES": int(os.environ.get("MEMO_MAX_MB", "64")) * 1024 * 1024}},
}

AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures for a username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # never a username for everybody
AXES_CLIENT_IP_CALLABLE = "tthc_portal.client_ip.client_ip"  # the client's address behind the proxy
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
# What Django and the third-party apps leave in English in Vietnamese (their admin pages).
LOCALE_PATHS = [BASE_DIR / "tthc_portal" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["tthc_portal.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles" if env_bool("STATIC_MANIFEST", env_bool("HTTPS")) else None
# Production (STATIC_MANIFEST=1 after collectstatic): hashed, compressed files served by WhiteNoise.
# Development and tests: files straight from static/, no collectstatic needed.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", env_bool("HTTPS"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Emails (report returned/approved, deadline reminders). Console by default: nothing leaves the
# machine until EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST are set.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # implicit TLS, usually port 465; not both
# Mail is sent while the reviewer's request waits: a silent server must not hang it.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or 10)
PROVINCE_NAME = os.environ.get("PROVINCE_NAME", "Khánh Hòa")  # printed in exports
# The report page saves what is typed in the background after this pause (milliseconds).
AUTOSAVE_PAUSE_MS = int(os.environ.get("AUTOSAVE_PAUSE_MS", "3000"))
# Two-tier local government: cấp huyện no longer exists from this day (YYYY-MM-DD). A period whose
# quarter (half, year) starts on or after it has no cấp huyện cells (reports/forms_spec/levels.py).
LEVEL_HUYEN_ABOLISHED = date.fromisoformat(os.environ.get("LEVEL_HUYEN_ABOLISHED") or "2025-07-01")

# Exports run as background jobs (reports/export_jobs.py) on Django's Tasks API. TASKS_BACKEND:
# "database" (default: the queue is a table of the project's database, `manage.py db_worker` runs
# it), "rq" (production: Redis at REDIS_URL, `manage.py rqworker --job-class django_tasks_rq.Job`
# on any machine), "immediate" (the job runs inside the request: tests).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS = {"default": {"BACKEND": {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}[TASKS_BACKEND]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900}}
# Generated files (any Django storage in production: STORAGES["default"]); never served directly,
# every download goes through the views' permission checks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# A job pending or running for longer than this is taken for dead (its worker killed): "Thử lại".
EXPORT_STALE_SECONDS = int(os.environ.get("EXPORT_STALE_SECONDS", "900"))
# An approved report's three files are made right away, so that the reviewer's download is instant.
EXPORT_ON_APPROVAL = env_bool("EXPORT_ON_APPROVAL", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tthc@localhost")
# Where the portal is reached, for the links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000  # a report is a few thousand cells
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # long narratives: 15 sections of free text
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads and imports (README, Limits). A real report has tens of rows and its files weigh tens of
# kB; the limits are far above that and far below what would hold a worker for long.
# A request larger than this is refused before it is read (413), whatever it carries.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
XLSX_MAX_UNZIPPED_BYTES = int(os.environ.get("XLSX_MAX_UNZIPPED_BYTES", str(30 * 1024 * 1024)))
XLSX_MAX_PARTS = int(os.environ.get("XLSX_MAX_PARTS", "200"))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1000"))  # rows in one section of a biểu
IMPORT_MAX_TEXT_CHARS = int(os.environ.get("IMPORT_MAX_TEXT_CHARS", "20000"))  # one label or narrative section

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and fonts come from the portal only
# (Bootstrap from static/vendor), with no inline code in any page (tests/test_headers.py); data:
# images are Bootstrap's SVG icons and the blank favicon. Django's admin needs nothing more.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind HTTPS (HTTPS=1 in production): secure cookies, redirects and HSTS.
HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind the province's reverse proxy (README, Production): it terminates TLS and says so in
# X-Forwarded-Proto, and appends the client's address to X-Forwarded-For; both headers are trusted
# only then. PROXY_COUNT: how many proxies append to X-Forwarded-For (tthc_portal/client_ip.py).
BEHIND_PROXY = env_bool("BEHIND_PROXY")
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The benchmark's floor: a minimal authenticated view with one write (bench/bench_load.py); off
# unless BENCH_ENDPOINTS=1.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
CSRF_FAILURE_VIEW = "tthc_portal.views.csrf_failure"
