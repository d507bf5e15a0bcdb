"""Everything the app holds about a person, as one JSON document they can download."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from journal.models import CheckIn, FlagReview, Medication, Passkey, Profile, ShareLink, UserSession
from journal.reports.episodes_csv import COLUMNS, episodes

FORMAT_VERSION = 1


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def build(user: AbstractBaseUser, profile: Profile) -> dict:
    """The person's account, profile, medicines, episodes, check-ins and flag marks."""
    zone = ZoneInfo(profile.time_zone)
    return {
        "format": "crampjournal-all-data",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        # Not the email address: an account made with another person's address has none,
        # which would tell whoever made it that the address has an account here.
        "account": {"username": user.get_username(), "date_joined": _iso(user.date_joined)},
        "profile": {
            "time_zone": profile.time_zone,
            "fluid_unit": profile.fluid_unit,
            "colour_mode": profile.colour_mode,
        },
        "medications": [
            {
                "name": m.name,
                "dose": m.dose,
                "kind": m.kind,
                "started_on": _iso(m.started_on),
                "stopped_on": _iso(m.stopped_on),
            }
            for m in Medication.objects.for_user(user)
        ],
        # The same fields as the CSV export, in JSON's own types.
        "episodes": [
            {column.name: _json(column.value(episode, zone)) for column in COLUMNS}
            for episode in episodes(user)
        ],
        "checkins": [
            {
                "date": _iso(c.date),
                "fluid_ml": c.fluid_ml,
                "electrolytes": c.electrolytes,
                "exercise_minutes": c.exercise_minutes,
                "exercise_intensity": c.exercise_intensity,
                "sleep_hours": None if c.sleep_hours is None else float(c.sleep_hours),
                "stretched": c.stretched,
                "warmed_up": c.warmed_up,
                "notes": c.notes,
            }
            for c in CheckIn.objects.for_user(user).order_by("date")
        ],
        "flags_discussed": [
            {
                "flag": r.kind,
                "discussed_on": _iso(r.discussed_on),
                "recorded_at": _iso(r.created_at),
            }
            for r in FlagReview.objects.for_user(user).order_by("created_at", "pk")
        ],
        # Where the account is signed in (Profile → Devices); never a session's key.
        "devices": [
            {
                "device": d.device,
                "ip_address": d.ip_address,
                "signed_in_at": _iso(d.signed_in_at),
                "last_seen_at": _iso(d.last_seen_at),
                "kept_signed_in": d.kept,
            }
            for d in UserSession.objects.filter(user_id=user.pk).order_by("signed_in_at")
        ],
        # The passkeys' names and dates; their keys are no use to anyone but this site.
        "passkeys": [
            {"name": p.name, "created_at": _iso(p.created_at), "last_used_at": _iso(p.last_used_at)}
            for p in Passkey.objects.for_user(user)
        ],
        # What each link showed and how it was used; never its token, which is not kept.
        "share_links": [
            {
                "start": _iso(s.start),
                "end": _iso(s.end),
                "name": s.name,
                "include_notes": s.include_notes,
                "created_at": _iso(s.created_at),
                "expires_at": _iso(s.expires_at),
                "revoked_at": _iso(s.revoked_at),
                "open_count": s.open_count,
                "last_opened_at": _iso(s.last_opened_at),
            }
            for s in ShareLink.objects.for_user(user).order_by("created_at", "pk")
        ],
    }


def _json(value):
    """Column values as JSON types: UUIDs as text, the rest as they are."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
