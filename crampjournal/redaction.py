"""Keep secrets in URLs out of every log line: gunicorn's access and error logs
(crampjournal.access_log) and Django's own ("Not Found: /s/<token>/").

Four kinds of path carry a secret: a share link (/s/<token>/, which opens a person's
report), a password-reset link (/accounts/reset/<uidb64>/<token>/, which sets a new
password), an address-confirmation link (/accounts/confirm-email/<token>/) and a
reminder's unsubscribe link (/reminders/stop/<token>/, which turns it off without a
sign-in). A query string can carry a filter ("region=calf"), so it goes too.
"""

import logging
import re

# One path segment: anything up to the next slash, space, query or quote; and a lookahead
# for "this exact segment".
_SEGMENT = r"[^/\s?\"']+"
_ENDS = r"(?![^/\s?\"'])"
_REDACTIONS = [
    # A share token is 43 URL-safe characters; anything after /s/ is treated as one.
    (re.compile(rf"/s/{_SEGMENT}"), "/s/<token>"),
    # Reset links: /accounts/reset/<uidb64>/<token>/, then Django's own second step
    # /accounts/reset/<uidb64>/set-password/ (the token then waits in the session). The
    # last page, /accounts/reset/done/, holds nothing.
    (re.compile(rf"/accounts/reset/(?!done{_ENDS}){_SEGMENT}"), "/accounts/reset/<uidb64>"),
    (
        re.compile(rf"/accounts/reset/<uidb64>/(?!set-password{_ENDS}){_SEGMENT}"),
        "/accounts/reset/<uidb64>/<token>",
    ),
    # The links in emails: confirming an address and turning a reminder off.
    (re.compile(rf"/accounts/confirm-email/{_SEGMENT}"), "/accounts/confirm-email/<token>"),
    (re.compile(rf"/reminders/stop/{_SEGMENT}"), "/reminders/stop/<token>"),
    # A query string after a path.
    (re.compile(r"(/[^\s?\"']*)\?[^\s\"']+"), r"\1?<query>"),
]


def redact_path(text: str) -> str:
    """The text with every token in a link and every query string replaced."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactTokens(logging.Filter):
    """Redacts a record in place, so every handler after it sees the redacted line:
    its message with the arguments filled in, and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it, with nothing redacted lost
            message = str(record.msg)
        record.msg, record.args = redact_path(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_path(record.exc_text)
        return True
