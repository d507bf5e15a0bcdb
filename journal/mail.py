"""What every email the app sends on its own carries, and mail when no mail server is
set up."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("crampjournal.mail")


class DisabledBackend(BaseEmailBackend):
    """Sends nothing and prints nothing: with DEBUG off and no EMAIL_HOST, Django's console
    backend would write each message, reset links included, into the server's log. Views
    check settings.EMAIL_ENABLED first; this is the backstop for anything that does not."""

    def send_messages(self, email_messages) -> int:
        if email_messages:
            # The count only: no address, subject or link reaches the log.
            logger.warning(
                "Email is not set up (no EMAIL_HOST): %d message(s) not sent.", len(email_messages)
            )
        return 0


def automatic_headers(unsubscribe: str | None = None) -> dict[str, str]:
    """The headers of an email no person wrote: every one the app sends. With
    ``unsubscribe`` (a URL that turns it off), the one-click stop as well."""
    # RFC 3834: an automatic message gets no out-of-office or vacation replies.
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe:
        # RFC 8058: mail clients show an unsubscribe button that POSTs here.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def send_automatic(subject: str, body: str, to: Sequence[str]) -> None:
    """Send a plain-text email with automatic_headers (as send_mail would, raising on a
    failure to send)."""
    EmailMessage(subject, body, None, list(to), headers=automatic_headers()).send()
