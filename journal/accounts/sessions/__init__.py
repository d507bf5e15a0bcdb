"""Session engines that store the user's id beside each session (models.UserSession),
and a person's sessions as Profile → Devices shows them.

Set SESSION_ENGINE to journal.accounts.sessions.db, or to
journal.accounts.sessions.cached_db with a cache.

Each session's data holds what its row's columns show: the device name and address
read at sign-in, when it signed in, when it was last seen and whether it is kept
signed in (the keys below, written by journal.accounts.kept and the session clock in
journal.middleware). The columns are copied from the data at every save, so listing a
person's devices never decodes a session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings

from journal.accounts import user_agents

SIGNED_IN_AT = "cj_signed_in_at"
SEEN_AT = "cj_seen_at"
KEPT = "cj_kept"
DEVICE_NAME = "cj_device_name"
ADDRESS = "cj_address"


def _when(seconds) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(float(seconds), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


class UserIdMixin:
    """Keep the signed-in user's id, and what Devices shows, in columns of their own
    when a session is saved."""

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
        instance.device = str(data.get(DEVICE_NAME, ""))[:200]
        instance.ip_address = data.get(ADDRESS) or None
        instance.signed_in_at = _when(data.get(SIGNED_IN_AT))
        instance.last_seen_at = _when(data.get(SEEN_AT))
        instance.kept = bool(data.get(KEPT))
        return instance


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def end_all_sessions(user_id: int, keep: str | None = None) -> int:
    """Delete every session of one person (but ``keep``, the current one, if given),
    from the database and from the cache."""
    from journal.models import UserSession

    sessions = UserSession.objects.filter(user_id=user_id).exclude(session_key=keep)
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        _store()(session_key=key).delete()
    return len(keys)


def public_id(session_key: str) -> str:
    """A name for a session that pages and forms can carry: the session key is the
    sign-in itself and never leaves the cookie; this cannot be turned back into it."""
    return hashlib.sha256(f"device:{session_key}".encode()).hexdigest()[:20]


@dataclass(frozen=True)
class SignedIn:
    """One of a person's sessions, as Profile → Devices lists it."""

    id: str
    device: str
    ip_address: str | None
    signed_in_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    kept: bool
    this_device: bool


def for_person(user_id: int, current_key: str | None) -> list[SignedIn]:
    """Every live session of the person's, this one first, then the last seen first."""
    from django.utils import timezone

    from journal.models import UserSession

    rows = UserSession.objects.filter(user_id=user_id, expire_date__gt=timezone.now())
    sessions = [
        SignedIn(
            id=public_id(row.session_key),
            device=row.device or user_agents.UNKNOWN,
            ip_address=row.ip_address,
            signed_in_at=row.signed_in_at,
            last_seen_at=row.last_seen_at,
            kept=row.kept,
            this_device=row.session_key == current_key,
        )
        for row in rows
    ]
    never = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(
        sessions, key=lambda s: (not s.this_device, -(s.last_seen_at or never).timestamp())
    )


def end_one(user_id: int, session_id: str, current_key: str | None) -> bool:
    """Sign one of the person's other sessions out, on the server (database and cache,
    so every app server sees it at once). False when they have no such session."""
    from journal.models import UserSession

    for key in UserSession.objects.filter(user_id=user_id).values_list("session_key", flat=True):
        if key != current_key and public_id(key) == session_id:
            _store()(session_key=key).delete()
            return True
    return False
