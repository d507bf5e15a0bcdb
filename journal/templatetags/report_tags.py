"""The report's episode list, written once for the page's table and the PDF's list
(templates/report/document.html and report/pdf_episodes.html).

The PDF lists each episode as one line of text rather than a row of four cells: WeasyPrint
lays out every cell as a block of its own, and four blocks an episode were two thirds of a
400-episode PDF's time (docs/report.md). So the parts of an episode, and the names of the
columns they go under, are made here, for both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from journal import formatting
from journal.models import Episode, Side

register = template.Library()

# What the table and the PDF show for a part the person did not record.
NONE = "—"


@dataclass(frozen=True)
class EpisodeParts:
    when: str
    where: str
    doing: str
    relief: str


@register.simple_tag
def episode_columns(zone_key: str) -> list[str]:
    """The names of the episode list's columns, in the order of EpisodeParts."""
    return [f"When ({zone_key})", "Where, how bad, how long", "Doing; with it", "Relief"]


@register.simple_tag
def episode_parts(episode: Episode) -> EpisodeParts:
    """One episode as the report shows it (symptoms and reliefs prefetched)."""
    when = formatting.local_datetime(episode.started_at)
    if episode.broke_sleep:
        when += " (woke)"
    where = episode.get_body_region_display()
    if episode.side != Side.NOT_APPLICABLE:
        where += f", {episode.get_side_display().lower()}"
    how_long = "still going" if episode.ongoing else formatting.duration(episode.duration_seconds)
    symptoms = ", ".join(str(s) for s in episode.symptoms.all()) or NONE
    reliefs = "; ".join(str(r) for r in episode.reliefs.all()) or NONE
    return EpisodeParts(
        when=when,
        where=f"{where}; {formatting.intensity(episode.intensity)}; {how_long}",
        doing=f"{episode.get_activity_display() or NONE}; {symptoms}",
        relief=reliefs,
    )
