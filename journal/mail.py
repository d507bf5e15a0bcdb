"""Mail when no mail server is set up."""

from __future__ import annotations

import logging

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
