"""Kyodo's one settings module, driven entirely by environment variables.

Development (`make demo`, `make test`) sets DEBUG=1; production sets SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL. Bad values stop the process (see kyodo.env).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kyodo.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("KYODO_TESTING", default=False)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the project-wide FORM_RENDERER below
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "kyodo.core",
    "kyodo.japan",
    "kyodo.accounts",
    "kyodo.audit",
    "kyodo.registry",
    "kyodo.programmes",
    "kyodo.proposals",
    "kyodo.review",
    "kyodo.projects",
    "kyodo.payments",
    "kyodo.evaluation",
    "kyodo.documents",
    "kyodo.surveys",
    "kyodo.stats",
    "kyodo.booking",
    "kyodo.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kyodo.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kyodo.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kyodo.core.middleware.OutOfRangeIdMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kyodo.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so that it claims a form's one-time token after the CSRF check (kyodo.core.once).
    "kyodo.core.once.SubmitOnceMiddleware",
]

ROOT_URLCONF = "kyodo.urls"

# Forms render through the project's templates: templates/django/forms/div.html (error
# summary, then each field) and field.html (label, required mark, help, errors, widget).
FORM_RENDERER = "kyodo.core.forms_renderer.KyodoFormRenderer"
WSGI_APPLICATION = "kyodo.wsgi.application"

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
                "kyodo.core.context_processors.site",
            ],
            # {% csrf_token %} also renders the one-time token of kyodo.core.once.
            "builtins": ["kyodo.core.templatetags.kyodo_once"],
        },
    }
]

# SQLite by default so that a fresh clone runs with no set-up; PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'kyodo.sqlite3'}",
        # A process keeps its connection for a minute, checked before each request's first
        # query: opening one to PostgreSQL costs a TCP handshake, authentication and a new
        # server process (some 5-10 ms on the bench machine) that every request paid.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock when two requests write at once; the busy
    # timeout lets a writer wait its turn behind the web server, the task workers (`make
    # demo` runs both) and many people booking one popular room at the same moment, instead
    # of failing after Python's default 5 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 30),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
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
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"

# Repeated failed log-ins lock the account and address out for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
# Lock-out by account only; an address with many failures is throttled instead (see
# kyodo/accounts/throttle.py), so that nobody can lock out everyone behind one NAT.
AXES_LOCKOUT_PARAMETERS = ["username"]
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
# axes.W006 asks for the address among the lock-out parameters; the address is throttled
# instead (above), which axes' check cannot see.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER") or "Kyodo"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("英語"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "static")
# Uploaded files live outside the web root and are served only through views that
# check permissions (see kyodo.core.files); MEDIA_URL is never routed to them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {
        "BACKEND": env_str("FILE_STORAGE") or "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
KYODO_MAX_UPLOAD_BYTES = env_int("KYODO_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_redis_url = env_str("REDIS_URL")  # lower case, so not a setting: the URL may hold a password
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }

# Background work (mail delivery, documents, imports) goes through Django's task API (the
# django-tasks backport for Django 5.2). Tests run tasks at once; the demo and production
# queue them in the database, where `manage.py db_worker` processes run them.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND")
        or (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default", "mail", "documents", "imports"],
    }
}

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "kyodo@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (a staging server, or
# the scale-out rehearsal, which counts the messages the workers wrote).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or str(BASE_DIR / "var" / "mail")
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds every subdomain of the city's registrable domain, which other
        # city services share: a decision for the city, not a default. Said once, here.
        SILENCED_SYSTEM_CHECKS += ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "WARNING"},
}

# City-specific facts; Kamakura is the shipped default.
KYODO_CITY_NAME = env_str("KYODO_CITY_NAME") or "鎌倉市"
KYODO_CENTER_NAME = env_str("KYODO_CENTER_NAME") or "鎌倉市市民活動センター"
KYODO_PAGE_SIZE = env_int("KYODO_PAGE_SIZE", 30)
