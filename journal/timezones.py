"""The IANA time zones a person can pick, and helpers for local days."""

import datetime as dt
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone


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


def local_today() -> dt.date:
    """Today's date in the active (the person's) time zone."""
    return timezone.localdate()


def local_midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The instant a local calendar day begins in ``zone``."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)
