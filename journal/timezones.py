"""The IANA time zones a person can pick, and helpers for local days."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every canonical IANA zone name, sorted (the posix/ and right/ copies left out)."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if not name.startswith(("posix", "right", "Etc/", "SystemV/"))
        and name not in {"Factory", "localtime", "posixrules"}
    }
    names.add("UTC")
    return tuple(sorted(names))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError("Choose a time zone from the list, for example Europe/London.")
