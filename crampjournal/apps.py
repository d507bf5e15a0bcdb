"""The project's configuration of Django's own apps."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with a site that has no sign-in of its own (journal.accounts.admin_site):
    every app's models register on it, so no admin page escapes its check."""

    default_site = "journal.accounts.admin_site.TwoFactorAdminSite"
