from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from journal.accounts.views import security
from journal.site import health, install

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("manifest.webmanifest", install.web_manifest, name="web_manifest"),
    # Django's account views, with the project's own sign-in, password change and reset
    # (two-factor step, sessions ended elsewhere, rate limits, audit trail).
    path("accounts/login/", security.SignInView.as_view(), name="login"),
    path("accounts/login/code/", security.login_code, name="login_code"),
    path(
        "accounts/password_change/",
        security.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password_reset/", security.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        security.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("journal.urls")),
]
if settings.ADMIN_ENABLED:
    # Last: whatever its address, the admin hides no page of the app.
    urlpatterns.append(path(settings.ADMIN_URL, admin.site.urls))
