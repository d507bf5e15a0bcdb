from django.contrib.sessions.backends import db

from journal.accounts.sessions import UserIdMixin


class SessionStore(UserIdMixin, db.SessionStore):
    """Database sessions with the user's id in a column."""
