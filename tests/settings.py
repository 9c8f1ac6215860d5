"""Settings for the test suite: the real settings module, with a test environment."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-used-anywhere-else")
os.environ.setdefault("CRM_BACKEND", "sandbox")
os.environ.setdefault("AUTH_MODE", "dev")
# The test client speaks plain HTTP; production redirects it to HTTPS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# The rate budget's host-wide file goes with this run, not into the checkout's var/.
os.environ.setdefault("RATE_BUDGET_DIR", tempfile.mkdtemp(prefix="contacts-budget-"))
os.environ.setdefault(
    "SANDBOX_DB_PATH", os.path.join(tempfile.mkdtemp(prefix="contacts-test-"), "sandbox.sqlite3")
)

from dashboard.settings import *  # noqa: F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests serve static files straight from static/ (no collectstatic, no manifest).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The shared cache is process memory here: the suite runs in one process, and clearing a file
# cache between tests would cost more than the tests themselves.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "contacts-shared",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    "local": {
        "BACKEND": "contacts_ui.services.cache_backends.ObjectCache",
        "LOCATION": "contacts-local",
    },
}
# Name pending related records inside the request that asks, not beside it, so that counts of
# upstream calls per request are exact (tests of the background pool call related.settle()).
CONTACTS_NAMES_FILL_INLINE = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
