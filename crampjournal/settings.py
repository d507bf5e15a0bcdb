"""CrampJournal settings, read from the environment.

Development works with nothing set (``make run`` turns DJANGO_DEBUG on); a run with
DEBUG off refuses to start without a real secret key and allowed hosts.
"""

import datetime as dt
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from crampjournal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value for a production "
            "run, or set DJANGO_DEBUG=true for development (make run does this)."
        )
    # Development only: never used when DEBUG is off.
    SECRET_KEY = "django-insecure-development-only-key-not-for-production"
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use 50 or more random characters, e.g. from "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the host(s) this site answers to.")

INSTALLED_APPS = [
    # Django's admin, behind the app's own sign-in and two-factor (journal.accounts.admin_site).
    "crampjournal.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "journal",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username+IP is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "journal.accounts.auth.ProfileModelBackend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before sessions or the database are touched
    # (WhiteNoise, without its manifest).
    "journal.middleware.StaticFilesMiddleware",
    "journal.middleware.PrivateByDefaultMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads a body (sessions, CSRF, forms), with the headers above: a body
    # over REQUEST_BODY_MAX_BYTES gets 413, a method but GET, HEAD or POST 405.
    "journal.middleware.RequestBodyLimitMiddleware",
    "journal.middleware.AllowedMethodsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Private by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "journal.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "journal.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crampjournal.urls"

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

WSGI_APPLICATION = "crampjournal.wsgi.application"
ASGI_APPLICATION = "crampjournal.asgi.application"

# SQLite is the embedded default. WAL lets readers run beside a writer; IMMEDIATE
# takes the write lock at BEGIN so concurrent writers queue (up to the timeout)
# instead of failing with "database is locked"; synchronous=FULL keeps every
# acknowledged write across a power cut.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
}

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
elif not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must name a sqlite:// or postgres:// database.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared state (cache, sessions) never lives in one process's memory: several
# gunicorn workers or app servers must see the same thing.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "crampjournal",
        }
    }
    SESSION_ENGINE = "journal.accounts.sessions.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "crampjournal_cache",
        }
    }
    SESSION_ENGINE = "journal.accounts.sessions.db"
# Messages can name health details ("numbness"), so they wait in the server-side session
# rather than in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The admin: no login form of its own; it opens, through the app's sign-in, to active
# staff with two-factor on whose sign-in passed the code step (journal.accounts.admin_site).
# DJANGO_ADMIN=false takes it away (its addresses answer 404); DJANGO_ADMIN_URL moves it
# (a relative path ending in "/", e.g. "staff-7d2f/").
ADMIN_ENABLED = env_bool("DJANGO_ADMIN", True)
ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/")
if not re.fullmatch(r"([A-Za-z0-9_~-][A-Za-z0-9._~-]*/)+", ADMIN_URL):
    raise ImproperlyConfigured(
        f"DJANGO_ADMIN_URL must be a relative path of letters, digits and . _ ~ - that "
        f'ends in "/" and does not start with "/" or ".", such as "admin/", not {ADMIN_URL!r}.'
    )

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: SMTP when EMAIL_HOST is set; with DEBUG on, the console (the developer's own
# terminal: reset links print there). Otherwise no mail at all: the console would print
# reset links into a server's log, so EMAIL_ENABLED is off, the reset page says reset by
# email is not set up, and the backend sends nothing (journal.mail.DisabledBackend).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_ENABLED = bool(EMAIL_HOST) or DEBUG
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "journal.mail.DisabledBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CrampJournal <noreply@localhost>")
# A mail server that stops answering must not hold the reminder sender for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# The site's own address, for links in mail sent without a request (the reminders).
# In development it follows the address `make run` serves on (the Makefile passes HOST
# and PORT to `make run` and `make reminders` alike); a wildcard host is reached as
# localhost. With DEBUG off there is no guess: empty, and the sender refuses to start
# (journal.reminders.site) rather than mail links to a laptop's address.
SITE_URL = env_str("DJANGO_SITE_URL").strip()
if not SITE_URL and DEBUG:
    _host = env_str("HOST", "localhost").strip() or "localhost"
    _host = "localhost" if _host in {"0.0.0.0", "::", "[::]"} else _host
    _host = f"[{_host}]" if ":" in _host and not _host.startswith("[") else _host
    SITE_URL = f"http://{_host}:{env_int('PORT', 8000, minimum=1)}"

# HTTPS: on whenever DEBUG is off. DJANGO_HTTPS=false serves plain HTTP (a laptop on
# loopback, the load test); DJANGO_BEHIND_PROXY=true trusts X-Forwarded-Proto from a
# TLS-terminating proxy in front.
HTTPS = not DEBUG and env_bool("DJANGO_HTTPS", True)
# Behind DJANGO_PROXY_HOPS reverse proxies (deploy/nginx.conf is one), each appending
# the address it saw to X-Forwarded-For, the client's address is the entry that many
# from the right: journal.accounts.client_ip reads it, for axes, the audit trail, the rate
# limits and the access log alike. The proxies must be the only way in.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
PROXY_HOPS = env_int("DJANGO_PROXY_HOPS", 1)
if PROXY_HOPS < 1:
    raise ImproperlyConfigured("DJANGO_PROXY_HOPS must be 1 or more (the proxies in front).")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    # __Host-: the browser keeps these only from HTTPS, for this host, for every path.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page needs any of these powers; journal.middleware sends the header.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)

# Content-Security-Policy (django-csp): nothing but this site's own files. Bootstrap's
# CSS draws its form icons as data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sessions (ASVS level 2): signed out after 30 idle minutes and 12 hours after signing
# in, whatever happens in between (journal.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
# "Keep me signed in on this device" (journal.accounts.kept): such a session lasts
# SESSION_DEVICE_DAYS from the last visit, with no idle limit, while the browser keeps
# the device cookie it was given at that sign-in (journal.accounts.devices).
SESSION_DEVICE_DAYS = env_int("SESSION_DEVICE_DAYS", 90)
# Downloads, sharing and account changes need a proof (password, code, passkey) at most
# SENSITIVE_MINUTES old, however long the session (journal.accounts.confirm).
SENSITIVE_MINUTES = env_int("SENSITIVE_MINUTES", 10)
if min(SESSION_IDLE_SECONDS, SESSION_COOKIE_AGE, SESSION_DEVICE_DAYS, SENSITIVE_MINUTES) < 1:
    raise ImproperlyConfigured(
        "SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS, SESSION_DEVICE_DAYS and "
        "SENSITIVE_MINUTES must be 1 or more."
    )

# Passkeys (WebAuthn, journal.accounts.passkeys). The relying party is this site: its
# host name and origin are read from each request (Host is checked against
# ALLOWED_HOSTS first) unless set here, as they should be behind a proxy that rewrites
# Host. WEBAUTHN_ORIGINS: comma-separated, e.g. "https://cramps.example.org".
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID")
WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS", [])
WEBAUTHN_RP_NAME = "CrampJournal"

# Login throttling (django-axes): 5 failures for one username from one address lock
# that pair for 15 minutes; the lock ends by itself. Attempts live in the database,
# so every app server sees the same lock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]
# The address is the client's own behind a proxy too (see BEHIND_PROXY).
AXES_CLIENT_IP_CALLABLE = "journal.accounts.client_ip.client_ip"

# Sign-in from browsers an account has not seen (journal.accounts.devices, OWASP's device
# cookies): a completed sign-in gives the browser a signed device cookie for a year.
# SIGNIN_FAILURE_LIMIT failed sign-ins to one account within SIGNIN_FAILURE_WINDOW from
# browsers without one pause signing in to that account from every such browser until
# the window ends, while the owner's known browsers still sign in (each paused alone
# after as many failures of its own). Counted in journal.accounts.ratelimit, shared by every
# server; beside django-axes' lock on username + address, not instead of it.
SIGNIN_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 10)
_signin_window_minutes = env_int("SIGNIN_FAILURE_WINDOW_MINUTES", 60)
if SIGNIN_FAILURE_LIMIT < 1 or _signin_window_minutes < 1:
    raise ImproperlyConfigured(
        "SIGNIN_FAILURE_LIMIT and SIGNIN_FAILURE_WINDOW_MINUTES must be 1 or more."
    )
SIGNIN_FAILURE_WINDOW = dt.timedelta(minutes=_signin_window_minutes)
DEVICE_COOKIE_NAME = "__Host-device" if HTTPS else "device"
# Renewed at each visit of a kept session, so it outlives SESSION_DEVICE_DAYS.
DEVICE_COOKIE_AGE = dt.timedelta(days=365)

# Static files: compressed, content-hashed names served by WhiteNoise when DEBUG is
# off (``make serve`` collects them first).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "crampjournal.storage.StaticFilesStorage"
    },
}

# The clinician report's PDF (journal.reports.pdf): WeasyPrint runs in a child process
# that is killed past PDF_RENDER_SECONDS (wall clock, and CPU) or PDF_RENDER_MEMORY_MB
# of address space, and the person gets a "too large, choose a shorter range" page. The
# time sits well under gunicorn's timeout (60 s, crampjournal/gunicorn.conf.py), which
# a gthread worker does not apply to a request anyway. At most PDF_RENDERS_AT_ONCE
# renders run at once site-wide (a counter in Redis or the database), by default one
# per core of this machine.
PDF_RENDER_SECONDS = env_int("PDF_RENDER_SECONDS", 30)
PDF_RENDER_MEMORY_MB = env_int("PDF_RENDER_MEMORY_MB", 1024)
PDF_RENDERS_AT_ONCE = env_int("PDF_RENDERS_AT_ONCE", os.cpu_count() or 1)

# manage.py backup without --output: a dated file here, the newest BACKUP_KEEP kept.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or BASE_DIR / "backups")
BACKUP_KEEP = env_int("BACKUP_KEEP", 14, minimum=1)

# Request bodies. The largest one a person sends is the CSV import: a file of at most
# IMPORT_MAX_BYTES (journal.reports.episodes_import) in a multipart envelope (the
# boundaries, the part headers and the CSRF token: under 1 KiB; 64 KiB leaves room).
# journal.middleware.RequestBodyLimitMiddleware refuses any larger body with 413 before
# reading it; deploy/nginx.conf has the same client_max_body_size. Django's own limits
# match, and every upload stays in memory (never in /tmp): none can be larger.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
REQUEST_BODY_MAX_BYTES = IMPORT_MAX_BYTES + 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
# The longest form (an episode with every detail) sends about 50 fields; the import,
# one file.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 1
# The CSRF failure page, under the same Content-Security-Policy as every other page.
CSRF_FAILURE_VIEW = "journal.site.errors.csrf_failure"

# Logs carry no health text and no secret: Django's request log names only the path
# (4xx/5xx), with any share token or reset link replaced (crampjournal.redaction, which
# gunicorn's logs use too); form bodies and query strings are never logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "crampjournal.redaction.RedactTokens"}},
    # On the handler, for every logger's lines (django.security.*, axes, ...); and on the
    # loggers that write request paths, for any other handler (the filter edits the
    # record itself, so every handler after it sees the redacted line).
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "loggers": {
        "django.request": {"filters": ["redact_tokens"]},
        "django.server": {"filters": ["redact_tokens"]},
        "django.security.csrf": {"filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
