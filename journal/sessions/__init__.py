"""Session engines that store the user's id beside each session (models.UserSession).

Set SESSION_ENGINE to journal.sessions.db, or journal.sessions.cached_db with a cache.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings


class UserIdMixin:
    """Keep the signed-in user's id in its own column when a session is saved."""

    @classmethod
    def get_model_class(cls):
        from journal.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data.get("_auth_user_id"))
        except (TypeError, ValueError):
            instance.user_id = None
        return instance


def end_all_sessions(user_id: int, keep: str | None = None) -> int:
    """Delete every session of one person (but ``keep``, the current one, if given),
    from the database and from the cache."""
    from journal.models import UserSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = UserSession.objects.filter(user_id=user_id).exclude(session_key=keep)
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    return len(keys)
