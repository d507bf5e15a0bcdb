"""Multi-step writes and small lookups shared by the views and the seed command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from journal.models import (
    MAX_DURATION_SECONDS,
    Episode,
    EpisodeRelief,
    EpisodeSymptom,
    EpisodeTrigger,
    Medication,
    Profile,
)


def get_profile(user: AbstractBaseUser) -> Profile:
    """The person's profile, made on first use (for accounts created in the admin)."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def last_region_and_side(user: AbstractBaseUser) -> dict[str, str]:
    """Region and side of the most recently logged episode, to preselect in the quick log.
    Nothing on a first log: a guessed place would be saved by two taps as a cramp that
    may not have happened there."""
    return (
        Episode.objects.for_user(user)
        .order_by("-created_at", "-pk")
        .values("body_region", "side")
        .first()
    ) or {}


@transaction.atomic
def save_episode_details(
    episode: Episode,
    triggers: list[str],
    symptoms: list[str],
    reliefs: dict[str, int],
) -> None:
    """Replace the episode's multi-choice answers with the ones given."""
    episode.triggers.all().delete()
    episode.symptoms.all().delete()
    episode.reliefs.all().delete()
    EpisodeTrigger.objects.bulk_create(EpisodeTrigger(episode=episode, trigger=t) for t in triggers)
    EpisodeSymptom.objects.bulk_create(EpisodeSymptom(episode=episode, symptom=s) for s in symptoms)
    EpisodeRelief.objects.bulk_create(
        EpisodeRelief(episode=episode, measure=m, effect=e) for m, e in reliefs.items()
    )


def stop_episode(episode: Episode, now: dt.datetime | None = None) -> bool:
    """End an ongoing episode now; False when it started too long ago to time (over 24 h)."""
    now = now or timezone.now()
    seconds = max(1, round((now - episode.started_at).total_seconds()))
    if seconds > MAX_DURATION_SECONDS:
        return False
    episode.ongoing = False
    episode.duration_seconds = seconds
    episode.save()
    return True


@dataclass
class EpisodePlan:
    """An unsaved episode and the rows that hang off it, for bulk loading."""

    episode: Episode
    triggers: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    reliefs: dict[str, int] = field(default_factory=dict)
    medications: list[Medication] = field(default_factory=list)


def bulk_create_episode_details(plans: Iterable[EpisodePlan]) -> None:
    """Insert the triggers, symptoms, reliefs and medication of already saved episodes."""
    plans = list(plans)
    EpisodeTrigger.objects.bulk_create(
        EpisodeTrigger(episode=p.episode, trigger=t) for p in plans for t in p.triggers
    )
    EpisodeSymptom.objects.bulk_create(
        EpisodeSymptom(episode=p.episode, symptom=s) for p in plans for s in p.symptoms
    )
    EpisodeRelief.objects.bulk_create(
        EpisodeRelief(episode=p.episode, measure=m, effect=e)
        for p in plans
        for m, e in p.reliefs.items()
    )
    taken = Episode.medications_taken.through
    taken.objects.bulk_create(
        taken(episode=p.episode, medication=m) for p in plans for m in p.medications
    )


def save_new_episode(form, owner: AbstractBaseUser) -> tuple[Episode, bool]:
    """Save a valid new-episode form once: (episode, True), or (the episode an earlier
    submit of the same form saved, False). The form's client id is the episode's uid,
    unique per person, so even two submits racing each other make one row."""
    uid = form.instance.uid
    existing = Episode.objects.for_user(owner).filter(uid=uid).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return form.save(), True
    except IntegrityError:
        existing = Episode.objects.for_user(owner).filter(uid=uid).first()
        if existing is None:
            raise
        return existing, False
