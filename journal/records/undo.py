"""Undo a delete: nothing a person owns is gone by one mis-tap.

Every delete asks first (the confirm page), then deletes the rows at once, so Patterns,
flags, the report, the exports and any later backup never see them, and keeps a copy
(models.UndoableDeletion) from which Undo puts back exactly what was there: the same
ids, the episode with its triggers, symptoms, reliefs and medicines taken, a medicine
with the episodes that noted taking it. Revoking a share link ends the clinician's
access at once; Undo opens the link again while it has not expired.

The copy lives UNDO_SECONDS and is readable only by its owner's Undo. It is erased at
the Undo, and once the window is over at the next delete or Undo anyone makes, the
next page its owner opens, or the reminder sender's pass (each minute), whichever
comes first (docs/features.md, "Deleting and Undo").

The session holds which copy the person may undo (its id and the deadline, never the
rows), so the list the delete led to offers it, also when opened again.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from journal.models import (
    CheckIn,
    DeletedKind,
    Episode,
    Medication,
    ShareLink,
    UndoableDeletion,
)

# Long enough to see "Deleted" and tap Undo, even half asleep; short enough that a
# deleted note does not stay on the server. The offer, its wording, the refusal and the
# purge all read this one number.
UNDO_SECONDS = 30
OFFER_SESSION_KEY = "cj_undo"

TAKEN = Episode.medications_taken.through

# What the offer asks, per kind, under the message naming what went (no health text
# here: the offer waits in the session until the person's next page after its window).
DELETED = {
    DeletedKind.EPISODE: "Deleted that episode by mistake?",
    DeletedKind.CHECKIN: "Deleted that check-in by mistake?",
    DeletedKind.MEDICATION: "Removed that medicine by mistake?",
    DeletedKind.SHARE_LINK: "Revoked that link by mistake?",
}
RESTORED = {
    DeletedKind.EPISODE: "Episode restored, with all its details.",
    DeletedKind.CHECKIN: "Check-in restored.",
    DeletedKind.MEDICATION: "Medicine restored to your list.",
    DeletedKind.SHARE_LINK: "Link working again, until it expires as before.",
}
TOO_LATE = (
    f"Too late to undo: that was more than {UNDO_SECONDS} seconds ago, "
    "and it is now deleted for good."
)
CHECKIN_TAKEN = (
    "A new check-in for that day was saved after the delete, so the deleted one can't "
    "come back over it. The new one is kept."
)
LINK_EXPIRED = "That link has expired meanwhile, so it stays closed. Make a new one."
CANNOT = "That can't be put back: something saved since takes its place."


@dataclass(frozen=True)
class Offer:
    """The Undo the next page shows: which copy, its kind and until when (epoch s)."""

    pk: int
    kind: str
    until: float

    @property
    def text(self) -> str:
        return DELETED[DeletedKind(self.kind)]

    @property
    def seconds_left(self) -> int:
        return max(0, round(self.until - time.time()))


@dataclass(frozen=True)
class Outcome:
    """What an Undo did: restored (and where to look), or why not."""

    restored: bool
    message: str
    kind: str | None = None
    pk: int | None = None  # the restored row's id (episode, medicine, link)
    day: dt.date | None = None  # a restored check-in's day


class _ExactEncoder(DjangoJSONEncoder):
    """Django's JSON, but times to the microsecond (its own stop at the millisecond),
    so an undone row is the row that was deleted."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dump(rows: list) -> str:
    return json.dumps(serializers.serialize("python", rows), cls=_ExactEncoder)


def _load(text: str) -> list:
    return list(serializers.deserialize("python", json.loads(text)))


def purge(now: dt.datetime | None = None) -> int:
    """Erase every copy whose window is over; the number erased."""
    deleted, _ = UndoableDeletion.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


def _keep(owner: AbstractBaseUser, kind: str, rows: str) -> UndoableDeletion:
    now = timezone.now()
    purge(now)
    return UndoableDeletion.objects.create(
        owner=owner, kind=kind, rows=rows, expires_at=now + dt.timedelta(seconds=UNDO_SECONDS)
    )


@transaction.atomic
def delete_episode(episode: Episode) -> UndoableDeletion:
    """Delete an episode and all that hangs off it, keeping the copy for Undo."""
    rows = [
        episode,
        *episode.triggers.all(),
        *episode.symptoms.all(),
        *episode.reliefs.all(),
    ]
    copy = _keep(episode.owner, DeletedKind.EPISODE, _dump(rows))
    episode.delete()
    return copy


@transaction.atomic
def delete_checkin(checkin: CheckIn) -> UndoableDeletion:
    copy = _keep(checkin.owner, DeletedKind.CHECKIN, _dump([checkin]))
    checkin.delete()
    return copy


@transaction.atomic
def delete_medication(medication: Medication) -> UndoableDeletion:
    """Delete a medicine, keeping it and which episodes noted taking it."""
    rows = [medication, *TAKEN.objects.filter(medication=medication)]
    copy = _keep(medication.owner, DeletedKind.MEDICATION, _dump(rows))
    medication.delete()
    return copy


def revoked_link(link: ShareLink) -> UndoableDeletion:
    """A share link just revoked (journal.reports.sharing.revoke): Undo may reopen it."""
    return _keep(link.owner, DeletedKind.SHARE_LINK, str(link.pk))


def offer(session, copy: UndoableDeletion) -> None:
    """Let the next page offer Undo for ``copy`` (one offer at a time: the latest)."""
    session[OFFER_SESSION_KEY] = {
        "pk": copy.pk,
        "kind": copy.kind,
        "until": copy.expires_at.timestamp(),
    }


def current_offer(session, owner: AbstractBaseUser) -> Offer | None:
    """The Undo to show now, if its window is still open. One past its window is
    forgotten and its copy erased: the person's next page after it is a purge point."""
    raw = session.get(OFFER_SESSION_KEY)
    if not raw:
        return None
    try:
        found = Offer(pk=int(raw["pk"]), kind=str(raw["kind"]), until=float(raw["until"]))
        DeletedKind(found.kind)
    except (KeyError, TypeError, ValueError):
        session.pop(OFFER_SESSION_KEY, None)
        return None
    if found.until > time.time():
        return found
    session.pop(OFFER_SESSION_KEY, None)
    UndoableDeletion.objects.for_user(owner).filter(pk=found.pk).delete()
    return None


def was_offered(session, pk: int) -> bool:
    """Whether this session was offered Undo for copy ``pk`` (now perhaps expired)."""
    raw = session.get(OFFER_SESSION_KEY) or {}
    return isinstance(raw, dict) and raw.get("pk") == pk


def undo(copy: UndoableDeletion, session) -> Outcome:
    """Put back what ``copy`` holds, if its window is open; the copy is erased either
    way. The caller has found ``copy`` among the person's own."""
    if was_offered(session, copy.pk):
        session.pop(OFFER_SESSION_KEY, None)
    now = timezone.now()
    if copy.expires_at <= now:
        copy.delete()
        purge(now)
        return Outcome(False, TOO_LATE)
    try:
        with transaction.atomic():
            outcome = _restore(copy, now)
            copy.delete()
    except IntegrityError:
        # Something saved in the meantime holds its place (a re-imported episode's uid).
        copy.delete()
        outcome = Outcome(False, CANNOT)
    purge(now)
    return outcome


def _restore(copy: UndoableDeletion, now: dt.datetime) -> Outcome:
    kind = DeletedKind(copy.kind)
    if kind is DeletedKind.SHARE_LINK:
        link = ShareLink.objects.for_user(copy.owner).filter(pk=int(copy.rows)).first()
        if link is None or link.expires_at <= now:
            return Outcome(False, LINK_EXPIRED)
        link.revoked_at = None
        link.save(update_fields=["revoked_at"])
        return Outcome(True, RESTORED[kind], kind, pk=link.pk)
    objects = _load(copy.rows)
    main = objects[0].object
    # Written by this module from the person's own rows; checked all the same, so a copy
    # can only ever bring back rows of the person who deleted them.
    if getattr(main, "owner_id", None) != copy.owner_id:
        raise IntegrityError("an undo copy of another person's rows")
    if kind is DeletedKind.CHECKIN:
        if CheckIn.objects.for_user(copy.owner).filter(date=main.date).exists():
            return Outcome(False, CHECKIN_TAKEN)
        objects[0].save()
        return Outcome(True, RESTORED[kind], kind, day=main.date)
    if kind is DeletedKind.EPISODE:
        # A medicine deleted since (its own Undo window over) is no longer there to link.
        taken = objects[0].m2m_data.get("medications_taken", [])
        still_listed = Medication.objects.for_user(copy.owner).filter(pk__in=taken)
        objects[0].m2m_data["medications_taken"] = list(still_listed.values_list("pk", flat=True))
        for deserialized in objects:
            deserialized.save()
        return Outcome(True, RESTORED[kind], kind, pk=main.pk)
    # A medicine: back on the list, and on the episodes (still there) that noted it.
    objects[0].save()
    links = [d.object for d in objects[1:]]
    existing = set(
        Episode.objects.for_user(copy.owner)
        .filter(pk__in=[link.episode_id for link in links])
        .values_list("pk", flat=True)
    )
    TAKEN.objects.bulk_create(
        TAKEN(episode_id=link.episode_id, medication_id=main.pk)
        for link in links
        if link.episode_id in existing
    )
    return Outcome(True, RESTORED[kind], kind, pk=main.pk)
