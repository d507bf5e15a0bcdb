"""The client's network address: the one place that reads it.

Directly on the internet (the default) it is the socket's peer, ``REMOTE_ADDR``. Behind
reverse proxies (``DJANGO_BEHIND_PROXY=true``) the socket's peer is the nearest proxy, and
each proxy appends the address it saw to ``X-Forwarded-For``. Only the entries our own
proxies appended can be trusted: the client can send the header with anything in it, and
a proxy keeps what it was sent. So with ``DJANGO_PROXY_HOPS`` proxies (default 1) the
client is the entry that many places from the right end, never the left-most one.

django-axes (``AXES_CLIENT_IP_CALLABLE``), the audit trail, every rate limit keyed on the
address and gunicorn's access log all read it here, so they always agree.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def _valid(text: str) -> str | None:
    """The address in its canonical form, or None when it is not an address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is still that IPv4 address.
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def from_meta(meta: Mapping[str, str]) -> str | None:
    """The client's address from a WSGI environ (a request's META)."""
    peer = _valid(meta.get("REMOTE_ADDR", "") or "")
    if not settings.BEHIND_PROXY:
        return peer
    entries = (meta.get(FORWARDED_FOR) or "").split(",")
    hops = settings.PROXY_HOPS
    if len(entries) < hops:
        # Fewer entries than proxies: the request did not come through all of them (or
        # they are set up otherwise). Nothing in the header can be trusted.
        return peer
    return _valid(entries[-hops]) or peer


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address for a request (None without a request or an address)."""
    if request is None:
        return None
    return from_meta(request.META)
