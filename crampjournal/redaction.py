"""Keep share-link tokens out of every log line: the access log's and Django's own
("Not Found: /s/<token>/")."""

import logging
import re

# A token is 43 URL-safe characters; anything after /s/ is treated as one.
SHARE_TOKEN = re.compile(r"/s/[^/\s?\"']+")


def redact_path(text: str) -> str:
    return SHARE_TOKEN.sub("/s/<token>", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_path(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
