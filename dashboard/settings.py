"""Django settings, derived from the one typed settings object in dashboard.config."""

from __future__ import annotations

import sys
from typing import Any

import dj_database_url

from dashboard.config import BASE_DIR, AuthMode, ConfigError, get_settings

try:
    APP = get_settings()
except ConfigError as exc:
    # Fail at start with the message alone: a traceback would bury the variable's name.
    sys.stderr.write(f"{exc}\n")
    raise SystemExit(2) from None

DEBUG = APP.DEBUG
SECRET_KEY = APP.secret_key
ALLOWED_HOSTS = APP.ALLOWED_HOSTS

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own widget templates, for the project-wide form renderer below.
    "django.forms",
    "django_htmx",
    "template_partials",
    "contacts_ui",
]

MIDDLEWARE = [
    # First: probes and scrapers call pod addresses over HTTP and never sign in.
    "contacts_ui.web.ops.OpsEndpointsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages go out compressed (static files are pre-compressed by whitenoise at collectstatic).
    # Django pads gzip output against BREACH, and the CSRF token is masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "contacts_ui.web.security.SecurityHeadersMiddleware",
    "contacts_ui.web.observability.RequestObservabilityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "contacts_ui.identity.signin.SignInMiddleware",
    "contacts_ui.web.timezones.ViewerTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "contacts_ui.identity.roles.role_context",
            ],
            "builtins": [
                "template_partials.templatetags.partials",
                "contacts_ui.templatetags.contacts_tags",
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            # Parsed templates are kept in memory (Django still reloads them
                            # when a file changes under runserver).
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

# Widgets render through the project's template engine, so templates/fields/ can hold ours.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if not APP.DATABASE_URL:
    # The embedded default: SQLite under var/, which a fresh clone does not have yet.
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        APP.DATABASE_URL or f"sqlite:///{BASE_DIR / 'var' / 'dashboard.sqlite3'}",
        conn_max_age=60,
    )
}

# "default" is what every process must see alike: the rate budget's companions (related names,
# definitions, members, list positions). Redis shares it across hosts; without Redis a file cache
# shares it across this host's processes. "local" is each process's own short-lived layer in
# front of it (contacts_ui.services.shared_cache).
CACHES: dict[str, dict[str, Any]]
if APP.REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": APP.REDIS_URL,
            "KEY_PREFIX": "contacts",
        }
    }
else:
    CACHES = {
        "default": {
            # Django's file cache, culling without listing the directory on every write.
            "BACKEND": "contacts_ui.services.cache_backends.FileCache",
            "LOCATION": str(APP.CACHE_DIR),
            # Related-record names are many small entries: the default 300 would churn.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
CACHES["local"] = {
    # This process's memory, holding objects rather than pickles (services/cache_backends.py).
    "BACKEND": "contacts_ui.services.cache_backends.ObjectCache",
    "LOCATION": "contacts-local",
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []
LOGIN_URL = "/"
if APP.AUTH_MODE is AuthMode.OIDC:
    # mozilla-django-oidc signs people in (contacts_ui/oidc.py); its OIDC_* settings are answered
    # from APP and the provider's discovery document, fetched at the first sign-in.
    AUTHENTICATION_BACKENDS = ["contacts_ui.identity.oidc.OIDCBackend"]
    LOGIN_URL = "oidc_authentication_init"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Absolute, with the path prefix, so static URLs are right however the app is mounted.
STATIC_URL = f"{APP.FORCE_SCRIPT_NAME or ''}/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

FORCE_SCRIPT_NAME = APP.FORCE_SCRIPT_NAME

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page (hx-headers), not the cookie.
# One-time messages ("Saved.") ride the session, whose cookie is partitioned inside an
# iframe (web/security.py); Django's default cookie storage would set an unpartitioned one.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = APP.SECURE_SSL_REDIRECT
    # TLS usually ends at the SSO proxy, which says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS preload commits the whole company domain to browsers' lists: IT's call, not ours.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if APP.EMBED_ALLOWED_ORIGINS:
    # Inside another site's iframe, cookies are third-party: only SameSite=None; Secure works.
    SESSION_COOKIE_SAMESITE = "None"
    CSRF_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# The typed settings object itself, for code that reads configuration per request (and for
# tests, which swap it with override_settings).
DASHBOARD = APP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "contacts_ui.observability.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "contacts_ui.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": str(APP.LOG_FORMAT),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "contacts_ui": {"level": "INFO" if DEBUG else APP.LOG_LEVEL.upper()},
        "django.request": {"level": "ERROR"},
    },
}

# Content-Security-Policy, shaped like Django 6's SECURE_CSP (contacts_ui/web/security.py adds
# frame-ancestors from EMBED_ALLOWED_ORIGINS and the OIDC provider's origins for form-action).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
}
# Browser features the dashboard never uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
}
