"""The audit trail: who did what security-relevant thing, when, from where.

Each event is a row (the person sees their own under "Account activity") and a line
in the "crampjournal.accounts.audit" log. Neither ever holds health text: callers pass a kind
and at most a short detail from a fixed vocabulary ("csv", "link 12").
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import HttpRequest

# audit.client_ip is journal.accounts.client_ip's: the one place that reads the address.
from journal.accounts.client_ip import client_ip
from journal.models import AuditEvent, AuditKind

logger = logging.getLogger("crampjournal.accounts.audit")


def record(
    kind: AuditKind, user_id: int | None, request: HttpRequest | None = None, detail: str = ""
) -> AuditEvent:
    event = AuditEvent.objects.create(
        user_id=user_id, kind=kind, ip_address=client_ip(request), detail=detail[:60]
    )
    logger.info("audit %s user=%s ip=%s %s", kind.value, user_id, event.ip_address, detail)
    return event


def for_user(user_id: int):
    return AuditEvent.objects.filter(user_id=user_id)


def account_deleted(user_id: int, request: HttpRequest) -> None:
    """The person's events go with their account; one row records that it went."""
    with transaction.atomic():
        for_user(user_id).delete()
        record(AuditKind.ACCOUNT_DELETED, user_id, request)
