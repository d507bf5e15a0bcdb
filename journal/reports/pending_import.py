"""A spreadsheet waiting for its columns to be matched: kept server-side, for one person's
session, briefly, and dropped as soon as it is imported or given up.

It is health data, so it goes neither to disk in a public place nor into a URL. The file
waits in the shared cache (Redis, or the database's cache table: every app server sees
it) under a key made of the person's id and a random token; the token waits in the
person's session. Another person, or another session of the same person, has neither.
The session itself does not hold the file: it is read on every request. Redis forgets
an entry when it expires; the database's cache table only hides it until a row count
is passed, so each new file first deletes the expired rows (forget_expired).
"""

from __future__ import annotations

import secrets
import zlib
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone

# The time the matching step may take, a "Confirm it's you" on the way included; after
# it the file is gone and the person chooses it again.
KEEP_SECONDS = 30 * 60
_SESSION_KEY = "cj_pending_import"
GONE = (
    f"The file you chose is no longer kept (it waits {KEEP_SECONDS // 60} minutes at "
    "most). Choose it again."
)


@dataclass(frozen=True)
class Pending:
    data: bytes
    name: str


def _key(user_id: int, token: str) -> str:
    return f"import-pending:{user_id}:{token}"


def keep(session: SessionBase, user_id: int, data: bytes, name: str) -> None:
    """Keep a file for this session's matching step, in place of any earlier one."""
    drop(session, user_id)
    forget_expired()
    token = secrets.token_urlsafe(24)
    # Compressed: a CSV shrinks about five times, and the cache holds it for minutes.
    cache.set(_key(user_id, token), (zlib.compress(data, 1), name[:100]), KEEP_SECONDS)
    session[_SESSION_KEY] = token


def forget_expired() -> None:
    """Delete every expired row of the database cache (files given up on among them),
    as Django's own cull does first; with Redis, expired keys are gone already."""
    if not isinstance(cache, DatabaseCache):
        return
    db = router.db_for_write(cache.cache_model_class)
    connection = connections[db]
    table = connection.ops.quote_name(cache._table)
    expires = connection.ops.quote_name("expires")
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",
            [connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))],
        )


def get(session: SessionBase, user_id: int) -> Pending | None:
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str):
        return None
    stored = cache.get(_key(user_id, token))
    if stored is None:
        session.pop(_SESSION_KEY, None)
        return None
    data, name = stored
    return Pending(zlib.decompress(data), name)


def drop(session: SessionBase, user_id: int) -> None:
    token = session.pop(_SESSION_KEY, None)
    if isinstance(token, str):
        cache.delete(_key(user_id, token))
