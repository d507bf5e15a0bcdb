"""A real SMTP server for the tests: aiosmtpd on a loopback port.

``Mailbox`` keeps every message as it arrived (``raw``) and parsed (``parsed``), the
text of its plain part (``messages``), and answers with ``reply``, so a test can make
the server refuse."""

from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import re
import time
from collections.abc import Iterator

from aiosmtpd.controller import Controller

from loadtest.servers import free_port


class Mailbox:
    def __init__(self) -> None:
        self.raw: list[str] = []
        self.parsed: list[email.message.EmailMessage] = []
        self.messages: list[str] = []
        self.reply = "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        if not self.reply.startswith("250"):
            return self.reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.raw.append(envelope.content.decode("utf-8", "replace"))
        self.parsed.append(message)
        parts = message.walk() if message.is_multipart() else [message]
        self.messages.append(
            "".join(part.get_content() for part in parts if part.get_content_type() == "text/plain")
        )
        return "250 OK"

    def wait_for(self, pattern: str, seconds: float = 20) -> re.Match:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for text in self.messages:
                if match := re.search(pattern, text):
                    return match
            time.sleep(0.1)
        raise AssertionError(f"no email matching {pattern!r} in {self.messages!r}")


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
