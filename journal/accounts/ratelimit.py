"""Counters shared by every app server: fixed-window rate limits and "so many at once"
ceilings.

Each counter is kept atomically where every server sees it: in Redis when ``REDIS_URL``
is set (INCR, with the window's expiry set once, when the window opens), otherwise in the
database (one upsert statement on the ``RateCounter`` table). A window starts with its
first hit and ends ``window_seconds`` later, whatever happens in between: refused hits
neither reset nor extend it.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import time
from collections.abc import Iterator
from functools import cache

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from journal.models import RateCounter

# One hit in this many also deletes the database's expired counters.
PURGE_ONE_IN = 200


def _hashed(key: str) -> str:
    # A key can hold a 254-character email address; the store need not hold the address.
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseCounters:
    """Counters in the RateCounter table: each change is one INSERT ... ON CONFLICT
    statement, atomic on SQLite (3.35+) and PostgreSQL."""

    table = RateCounter._meta.db_table

    def _upsert(self, expires_at: str, where: str = "") -> str:
        """One statement that counts a key: 1 in a fresh window (a new row, or an old
        one whose window is over), else one more. Its parameters: the key, the new
        expiry, now, then those of ``expires_at`` and ``where``."""
        return (
            f"INSERT INTO {self.table} (key, count, expires_at) VALUES (%s, 1, %s) "
            "ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {self.table}.expires_at <= %s THEN 1 "
            f"ELSE {self.table}.count + 1 END, "
            f"expires_at = {expires_at} {where} RETURNING count"
        )

    def hit(self, key: str, window_seconds: float) -> int:
        now = time.time()
        # A new window starts only when the old one is over.
        sql = self._upsert(
            f"CASE WHEN {self.table}.expires_at <= %s THEN excluded.expires_at "
            f"ELSE {self.table}.expires_at END"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_hashed(key), now + window_seconds, now, now])
            count = cursor.fetchone()[0]
        if random.randrange(PURGE_ONE_IN) == 0:
            RateCounter.objects.filter(expires_at__lt=now).delete()
        return count

    def count(self, key: str) -> int:
        row = RateCounter.objects.filter(key=_hashed(key), expires_at__gt=time.time()).first()
        return row.count if row else 0

    def reset(self, key: str) -> None:
        RateCounter.objects.filter(key=_hashed(key)).delete()

    def acquire(self, key: str, limit: int, lease_seconds: float) -> bool:
        now = time.time()
        # The lease is renewed on each place taken; the WHERE leaves a full counter
        # untouched, and then nothing is returned.
        sql = self._upsert(
            "excluded.expires_at",
            f"WHERE {self.table}.expires_at <= %s OR {self.table}.count < %s",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_hashed(key), now + lease_seconds, now, now, limit])
            return cursor.fetchone() is not None

    def release(self, key: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET count = count - 1 WHERE key = %s AND count > 0",
                [_hashed(key)],
            )


class RedisCounters:
    """Counters in Redis, under their own prefix, each change one atomic step."""

    # Take a place only while fewer than ARGV[1] are taken; the lease is renewed on each.
    _ACQUIRE = """
    local n = redis.call('INCR', KEYS[1])
    if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return 0 end
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return n
    """
    _RELEASE = """
    if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end
    return 0
    """

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self._acquire = self.client.register_script(self._ACQUIRE)
        self._release = self.client.register_script(self._RELEASE)

    @staticmethod
    def _key(key: str) -> str:
        return f"crampjournal:counter:{_hashed(key)}"

    def hit(self, key: str, window_seconds: float) -> int:
        name = self._key(key)
        pipe = self.client.pipeline(transaction=True)
        # SET NX EX opens the window (with its expiry) only if none is open; INCR keeps it.
        pipe.set(name, 0, ex=max(1, round(window_seconds)), nx=True)
        pipe.incr(name)
        return int(pipe.execute()[1])

    def count(self, key: str) -> int:
        return int(self.client.get(self._key(key)) or 0)

    def reset(self, key: str) -> None:
        self.client.delete(self._key(key))

    def acquire(self, key: str, limit: int, lease_seconds: float) -> bool:
        return bool(
            self._acquire(keys=[self._key(key)], args=[limit, max(1, round(lease_seconds))])
        )

    def release(self, key: str) -> None:
        self._release(keys=[self._key(key)])


@cache
def _redis(url: str) -> RedisCounters:
    return RedisCounters(url)


def counters() -> DatabaseCounters | RedisCounters:
    """Where the counters live: Redis when configured, else the database."""
    url = settings.REDIS_URL
    return _redis(url) if url else DatabaseCounters()


def hit(key: str, window_seconds: float) -> int:
    """Count one more hit on ``key``; the number of hits in its window so far."""
    return counters().hit(key, window_seconds)


def allow(key: str, limit: int, window_seconds: float) -> bool:
    """Count one more hit on ``key``; False once more than ``limit`` fall in the window."""
    return hit(key, window_seconds) <= limit


def count(key: str) -> int:
    """The hits on ``key`` in its open window, without counting one."""
    return counters().count(key)


def reset(key: str) -> None:
    counters().reset(key)


@contextlib.contextmanager
def slot(key: str, limit: int, lease_seconds: float) -> Iterator[bool]:
    """One of ``limit`` places for work done at once under ``key``: yields True with a
    place (given back on leaving), False when all are taken. A place whose holder died is
    freed when the lease ends, ``lease_seconds`` after the last place was taken."""
    store = counters()
    taken = store.acquire(key, limit, lease_seconds)
    try:
        yield taken
    finally:
        if taken:
            store.release(key)


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """The page for a refused request: 429 and what to do about it."""
    return render(request, "too_many.html", {"message": message}, status=429)
