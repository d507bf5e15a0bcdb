"""Query helpers shared by views."""

from __future__ import annotations

from django.db.models import QuerySet

from journal.models import Episode


def filter_episodes(episodes: QuerySet[Episode], filters: dict) -> QuerySet[Episode]:
    """Apply the list filter (local dates, region, intensity range) to an owner's episodes."""
    if filters.get("date_from"):
        episodes = episodes.filter(local_date__gte=filters["date_from"])
    if filters.get("date_to"):
        episodes = episodes.filter(local_date__lte=filters["date_to"])
    if filters.get("region"):
        episodes = episodes.filter(body_region=filters["region"])
    if filters.get("intensity_min") is not None:
        episodes = episodes.filter(intensity__gte=filters["intensity_min"])
    if filters.get("intensity_max") is not None:
        episodes = episodes.filter(intensity__lte=filters["intensity_max"])
    return episodes
