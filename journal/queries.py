"""Query helpers shared by views: local-day ranges and the episode list filter."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from journal.models import Episode
from journal.timezones import local_midnight


def local_day_start(day: dt.date) -> dt.datetime:
    """The instant the person's local day begins (their zone is the active one)."""
    return local_midnight(day, timezone.get_current_timezone())


def filter_episodes(episodes: QuerySet[Episode], filters: dict) -> QuerySet[Episode]:
    """Apply the list filter (local dates, region, intensity range) to an owner's episodes."""
    if filters.get("date_from"):
        episodes = episodes.filter(started_at__gte=local_day_start(filters["date_from"]))
    if filters.get("date_to"):
        next_day = filters["date_to"] + dt.timedelta(days=1)
        episodes = episodes.filter(started_at__lt=local_day_start(next_day))
    if filters.get("region"):
        episodes = episodes.filter(body_region=filters["region"])
    if filters.get("intensity_min") is not None:
        episodes = episodes.filter(intensity__gte=filters["intensity_min"])
    if filters.get("intensity_max") is not None:
        episodes = episodes.filter(intensity__lte=filters["intensity_max"])
    return episodes
