"""Settings for every environment, decided by environment variables (see .env.example)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# Demo mode: the `make run` quick start. Prints demo log-ins and keeps demo feeds inactive.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

# Required to serve the site (wsgi.py and asgi.py refuse to start without it), but not for
# management commands such as makemigrations, which never sign anything.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env("SITE_NAME", default="The Briefing Desk")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Machine-readable trust (trust.txt, robots.txt): may AI models be trained on our work, and
# the publication's social accounts (comma-separated URLs).
DATA_TRAINING_ALLOWED = env.bool("DATA_TRAINING_ALLOWED", default=False)
SOCIAL_LINKS = env.list("SOCIAL_LINKS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "django.contrib.postgres",  # search fields; imports and checks work on SQLite too
    "django_tasks_db",
    "ninja",  # the content API's docs page, from its own static files (briefings/api/)
    "newsroom",
    "sources",
    "briefings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Readers' public pages from the cache, before sessions, users and CSRF: none is needed.
    "newsroom.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.outage.DatabaseOutageMiddleware",
    # Last, as django-axes asks: turns a refused log-in into the "log-ins paused" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["newsroom.templatetags.machine"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "briefings.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'newsroom.sqlite3'}")
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _sqlite_file = Path(DATABASES["default"]["NAME"])
    if DATABASES["default"]["NAME"] != ":memory:":
        # A fresh clone has no var/ yet: whichever command comes first creates it.
        _sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # For a multi-threaded server: readers never wait for writers (write-ahead log), a writer
    # waits its turn instead of failing (busy timeout), and a transaction takes the write lock
    # when it begins, so a read-then-write (the version check of a save) cannot interleave.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too (next to it), so concurrent requests behave as they do when served.
    DATABASES["default"]["TEST"] = {"NAME": str(_sqlite_file.with_name("test-newsroom.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "newsroom.redis_cache.Cache"  # the same, a cheaper client
# Public pages are cached for anonymous readers; publication bumps a generation to clear them.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Where public pages are written as files for the front server to send (newsroom/pages.py,
# docs/operations.md); one directory every app server shares. Empty: not written.
PUBLIC_PAGES_ROOT = env("PUBLIC_PAGES_ROOT", default="")
# Requests one client address may make to the content API (/api/v1/) a minute; 0: no limit.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=120)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "newsroom.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Passwords, checked only while django-axes does not pause log-ins (newsroom/login_throttle.py).
AUTHENTICATION_BACKENDS = ["newsroom.login_throttle.ThrottledModelBackend"]
LOGIN_URL = "admin:login"
# Where a log-in lands when its ``next`` is missing or points off this site (Django's own
# default, /accounts/profile/, does not exist here).
LOGIN_REDIRECT_URL = "admin:index"

# British English: the copy is written in it, and feeds and the news sitemap declare it.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
# Files browsers and crawlers ask for at the site's root (favicon.ico, apple-touch-icon.png).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# An internal nginx location serving MEDIA_ROOT (e.g. /protected-media/): Django checks who may
# see an image and nginx sends the bytes (X-Accel-Redirect). Empty: Django sends them.
MEDIA_X_ACCEL_REDIRECT = env("MEDIA_X_ACCEL_REDIRECT", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads: refuse anything larger than this many bytes (lead images are checked in the form too).
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=8 * 1024 * 1024)
# Lead images with more pixels than this are refused before they are decoded (a small file can
# hold a huge image); Pillow refuses anything over 89,478,485 whatever this says.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Any request body: refused from its Content-Length before it is read (room for a lead image
# and the briefing form around it). The front server's limit should match (docs/operations.md).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=MAX_UPLOAD_BYTES + 2 * 1024 * 1024)

# EMAIL_URL, e.g. smtp+tls://user:password@mail.example.org:587 or consolemail://
_email = env.email("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": 10,
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
# Where readers write to the editors; shown in the standards page's feedback section.
CONTACT_EMAIL = env("CONTACT_EMAIL", default="editors@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Feed fetching (sources app; see docs/feeds.md).
FEEDS_ALLOW_PRIVATE_ADDRESSES = env.bool("FEEDS_ALLOW_PRIVATE_ADDRESSES", default=False)
FEEDS_ALLOWED_PRIVATE_NETWORKS = env.list("FEEDS_ALLOWED_PRIVATE_NETWORKS", default=[])
FEEDS_CONNECT_TIMEOUT = env.float("FEEDS_CONNECT_TIMEOUT", default=5.0)
FEEDS_READ_TIMEOUT = env.float("FEEDS_READ_TIMEOUT", default=20.0)
FEEDS_MAX_BYTES = env.int("FEEDS_MAX_BYTES", default=10 * 1024 * 1024)
FEEDS_MAX_HEADER_BYTES = env.int("FEEDS_MAX_HEADER_BYTES", default=64 * 1024)
FEEDS_MAX_REDIRECTS = env.int("FEEDS_MAX_REDIRECTS", default=5)
FEEDS_MAX_BACKOFF = env.int("FEEDS_MAX_BACKOFF", default=6 * 60 * 60)
FEEDS_TOTAL_TIMEOUT = env.float("FEEDS_TOTAL_TIMEOUT", default=60.0)
FEEDS_ALLOWED_PORTS = env.list("FEEDS_ALLOWED_PORTS", cast=int, default=[80, 443])
# OPML import (manage.py import_opml): files with more outlines are refused.
OPML_MAX_OUTLINES = env.int("OPML_MAX_OUTLINES", default=5000)
# The admin's OPML import page refuses larger files (5,000 outlines fit in well under this).
OPML_MAX_BYTES = env.int("OPML_MAX_BYTES", default=2 * 1024 * 1024)

# Workflow: an editor may not approve a briefing they wrote themselves.
WORKFLOW_REQUIRE_SECOND_EDITOR = env.bool("WORKFLOW_REQUIRE_SECOND_EDITOR", default=True)

# Log-in throttling (django-axes; docs/operations.md): after LOGIN_FAILURE_LIMIT wrong
# passwords for one user name, or from one address, log-ins for that name or from that
# address are refused until LOGIN_COOLOFF_MINUTES after the last counted failure, even with
# the right password. Attempts while paused are not counted, so the page can say when it ends.
AXES_VERBOSE = False  # no banner on every command's output
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "newsroom.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.login_throttle.client_address"
# Two-factor sign-in (django-otp, TOTP; newsroom/two_factor.py): editors, standards editors
# and superusers confirm each sign-in with a code from an authenticator app, setting one up
# the first time. Off by default only in demo mode, so the quick start's printed log-ins work.
REQUIRE_2FA_FOR_EDITORS = env.bool("REQUIRE_2FA_FOR_EDITORS", default=not DEMO_MODE)
OTP_TOTP_ISSUER = SITE_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Behind a front server every request comes from its address; with this on, failures count
# against the client address it puts last in X-Forwarded-For (docs/operations.md).
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)

# Security: strict by default; plain HTTP only in debug mode.
# Only a front server that overwrites X-Forwarded-Proto on every request may be trusted with
# it: otherwise any client can claim HTTPS (docs/operations.md has the nginx lines).
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_X_FORWARDED_PROTO else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response: scripts and styles only from this site (the
# admin's <script>, <link> and <style> tags carry the per-response nonce), no plugins, no
# <base>, no framing, forms post only here. Style *attributes* are allowed: Django's admin
# JavaScript and a few of our admin columns set them, and they cannot run code. Images may
# also come from MEDIA_URL's host when uploads are served from elsewhere (S3, a CDN).
_MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "//" in MEDIA_URL else None
CSRF_FAILURE_VIEW = "newsroom.errors.csrf_failure"

# The rich-text editor (Tiptap, inside django-prose-editor) adds one fixed <style> element of
# its own, with no way to give it the nonce; its hash allows exactly that stylesheet. A new
# version of django-prose-editor may change it: tests/newsroom/test_widgets.py says so.
TIPTAP_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, TIPTAP_STYLE_HASH],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, *filter(None, [_MEDIA_ORIGIN])],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
