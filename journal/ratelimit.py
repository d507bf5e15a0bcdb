"""A fixed-window rate limit in the shared cache (the database or Redis), so every app
server counts together."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def allow(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more hit on ``key``; False once ``limit`` hits fall in the window."""
    # Hashed: a key can hold a 254-character email address, longer than a cache key may be
    # (the database cache's column holds 255), and the cache need not hold the address.
    cache_key = f"ratelimit:{hashlib.sha256(key.encode()).hexdigest()}"
    # add() only sets a missing key, so the window starts at the first hit.
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window_seconds)
        return True
    return hits <= limit


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """The page for a refused request: 429 and what to do about it."""
    return render(request, "too_many.html", {"message": message}, status=429)
