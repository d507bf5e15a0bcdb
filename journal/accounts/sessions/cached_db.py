from django.contrib.sessions.backends import cached_db

from journal.accounts.sessions import UserIdMixin


class SessionStore(UserIdMixin, cached_db.SessionStore):
    """Cache-first database sessions with the user's id in a column."""

    cache_key_prefix = "journal.sessions.cached_db"
