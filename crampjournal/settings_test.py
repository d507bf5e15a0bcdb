"""Settings for the test suite: the real settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("DJANGO_HTTPS", "false")

from crampjournal.settings import *  # noqa: E402, F403

# Mail goes to Django's test outbox (the test runner sets the locmem backend), so email
# is on as with a real mail server; tests of a server without one turn it off.
EMAIL_ENABLED = True
# The address in the reminder emails' links (DEBUG is off here, so nothing is guessed).
SITE_URL = "http://localhost:8000"
# Hashing cost is not what the tests measure; MD5 keeps logins fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read static files where they lie; `make serve` collects and hashes them.
# WhiteNoise finds them too (there is no collected folder).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
STORAGES = STORAGES | {  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
