import datetime as dt
from html import escape as escape_text

from django import template
from django.utils.safestring import SafeString, mark_safe

from journal import body_map, formatting
from journal.models import ColourMode
from journal.palette import THEME_COLOUR, THEME_COLOUR_DARK
from journal.patterns import guidance

register = template.Library()


@register.filter
def duration(seconds: int | dt.timedelta | None) -> str:
    """Seconds (or a timedelta) as '2 min 13 s', '45 s' or '1 h 05 min'."""
    return formatting.duration(seconds)


@register.filter
def intensity(value: float | None) -> str:
    """An intensity as '7/10'."""
    return formatting.intensity(value)


@register.filter
def local_date(value: dt.date | dt.datetime | None) -> str:
    """A day as '3 Mar 2026' (a moment in the person's zone)."""
    return "" if value is None else formatting.local_date(value)


@register.filter
def long_date(value: dt.date | dt.datetime | None) -> str:
    """A day as '3 March 2026' (a moment in the person's zone)."""
    return "" if value is None else formatting.local_date(value, formatting.LONG_DATE)


@register.filter
def local_datetime(value: dt.datetime | None) -> str:
    """A moment in the person's zone as 'Tue 3 Mar 2026, 03:12'."""
    return "" if value is None else formatting.local_datetime(value)


@register.filter
def fluid(ml: int | None, unit: str) -> str:
    return formatting.fluid(ml, unit)


@register.filter
def yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No"}.get(value, formatting.NOT_RECORDED)


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)


@register.inclusion_tag("guidance/sources.html")
def sources(*cited) -> dict:
    """The documents a statement rests on, cited by title: each argument a Document, a
    flag's Source, a tuple of either, or a short name ("hamstring", "spasms")."""
    documents: list[guidance.Document] = []
    for item in cited:
        for one in item if isinstance(item, (tuple, list)) else (item,):
            one = guidance.BY_NAME.get(one, one) if isinstance(one, str) else one
            document = getattr(one, "document", one)
            if document not in documents:
                documents.append(document)
    return {"documents": documents}


@register.simple_tag
def urgent_note() -> str:
    """Flags are not a diagnosis; sudden, severe or worsening symptoms need urgent care."""
    return guidance.URGENT


@register.simple_tag
def not_a_diagnosis() -> str:
    return guidance.NOT_A_DIAGNOSIS


@register.simple_tag
def patient_reported() -> str:
    """What the report says of its own numbers, on the page, the PDF and a share link."""
    return guidance.PATIENT_REPORTED


@register.simple_tag
def theme_colour(mode: str = ColourMode.LIGHT) -> str:
    """The colour the phone paints its status bar in, the navbar's in that colour mode;
    the manifest says the light one."""
    return THEME_COLOUR_DARK if mode == ColourMode.DARK else THEME_COLOUR


@register.simple_tag(takes_context=True)
def colour_mode(context) -> str:
    """The person's choice of light or dark pages; "system" (the phone's setting) for
    anyone signed out. The page carries it (templates/base.html), so it is right from
    the first paint, with no script."""
    profile = getattr(context.get("request"), "profile", None)
    return profile.colour_mode if profile is not None else ColourMode.SYSTEM


@register.simple_tag
def table_body(rows: list[list]) -> SafeString:
    """A chart's "Show as table" rows, the first cell of each its row header.

    Built here rather than with template loops, and escaped with the standard library's
    html.escape (every cell is plain text or a number): thirty years of months are 360
    rows, and the template engine's loops, or format_html per cell, cost more than the
    page's SQL for them.
    """
    return mark_safe(  # noqa: S308 - every cell is escaped just below
        "".join(
            f'<tr><th scope="row">{escape_text(str(first))}</th>'
            + "".join(f"<td>{escape_text(str(cell))}</td>" for cell in rest)
            + "</tr>"
            for first, *rest in rows
        )
    )


@register.simple_tag
def body_map_picker() -> SafeString:
    """The body map on the episode forms (journal.body_map)."""
    return body_map.picker()


@register.simple_tag
def body_map_counts(regions: list[dict]) -> SafeString:
    """The body map shaded by how many cramps each place had, each named (journal.body_map)."""
    return body_map.counts_map(regions, names=True)
