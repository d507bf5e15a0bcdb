import datetime as dt

from django import template

from journal import guidance
from journal.units import format_fluid
from journal.views.install import THEME_COLOUR

register = template.Library()


@register.filter
def duration(seconds: int | dt.timedelta | None) -> str:
    """Seconds (or a timedelta) as '2 min 13 s', '45 s' or '1 h 05 min'."""
    if seconds is None:
        return "not recorded"
    if isinstance(seconds, dt.timedelta):
        seconds = seconds.total_seconds()
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


@register.filter
def fluid(ml: int | None, unit: str) -> str:
    return format_fluid(ml, unit)


@register.filter
def yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No"}.get(value, "not recorded")


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)


@register.simple_tag
def urgent_note() -> str:
    """Flags are not a diagnosis; sudden, severe or worsening symptoms need urgent care."""
    return guidance.URGENT


@register.simple_tag
def theme_colour() -> str:
    """The colour the phone paints its status bar in; the manifest says the same."""
    return THEME_COLOUR
