"""The report a person takes to a clinician: what one template shows as HTML and PDF.

Every number comes from journal.patterns.stats and every flag from journal.patterns.flags,
so the report, the Patterns page and the flags page can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, prefetch_related_objects
from django.db.models.functions import Substr

from journal import body_map, formatting
from journal.models import (
    MAX_MEDICATIONS,
    MAX_NOTE_LENGTH,
    Activity,
    Episode,
    Medication,
    MedicationKind,
    Side,
)
from journal.patterns import compare, flags, insights, stats
from journal.patterns.headlines import headlines
from journal.patterns.stats import Period
from journal.reports import svg
from journal.reports.options import Options

# Medicine kinds that the medication list marks as linked with cramps. The guidance
# names diuretics and statins (journal.patterns.flags.CRAMP_MEDICINES); the list's other two
# kinds are marked too, for the clinician to weigh.
CRAMP_LINKED = (
    MedicationKind.DIURETIC,
    MedicationKind.STATIN,
    MedicationKind.BETA_AGONIST,
    MedicationKind.CALCIUM_CHANNEL_BLOCKER,
)
# The days before and after a medicine's start whose cramps are compared.
MEDICATION_WINDOW_DAYS = 30
# The episode list's ceiling: the most recent this many of the period. Each row is work
# for the PDF (about 8 ms a row, and several seconds more per hundred long notes: see
# bench/report.py), no clinician reads a thousand rows, and the CSV export has every
# one; the report says so when it cuts. The HTML page and the PDF both read it here.
MAX_EPISODES = 1_000
REST = (Activity.ASLEEP, Activity.RESTING, Activity.SITTING)
EXERCISE = (Activity.EXERCISING, Activity.AFTER_EXERCISE)


@dataclass(frozen=True)
class MedicationRow:
    medication: Medication
    cramp_linked: bool
    # Cramps in the 30 days before and after the start, or None where the journal does
    # not cover those days.
    before: int | None
    after: int | None

    @cached_property
    def change(self) -> str:
        """After against before, in words: a difference only when beyond chance (worked
        out once: the template reads it twice)."""
        if self.before is None or self.after is None:
            return ""
        window = MEDICATION_WINDOW_DAYS
        return insights.verdict(compare.compare(self.after, window, self.before, window))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def medication_rows(
    user: AbstractBaseUser, first: dt.date | None, today: dt.date
) -> list[MedicationRow]:
    """The medication list (at most MAX_MEDICATIONS) with cramp counts around each
    start: two queries, whatever the size of the journal."""
    medications = list(
        Medication.objects.for_user(user).order_by("started_on", "name")[:MAX_MEDICATIONS]
    )
    window = dt.timedelta(days=MEDICATION_WINDOW_DAYS)
    counts: dict[str, int] = {}
    dated = [m for m in medications if m.started_on]
    if dated:
        aggregates = {}
        for m in dated:
            aggregates[f"before_{m.pk}"] = Count(
                "pk", filter=Q(local_date__gte=m.started_on - window, local_date__lt=m.started_on)
            )
            aggregates[f"after_{m.pk}"] = Count(
                "pk", filter=Q(local_date__gte=m.started_on, local_date__lt=m.started_on + window)
            )
        counts = Episode.objects.for_user(user).aggregate(**aggregates)
    rows = []
    for m in medications:
        covered_before = bool(m.started_on and first and first <= m.started_on - window)
        covered_after = bool(m.started_on and m.started_on + window <= today + dt.timedelta(1))
        rows.append(
            MedicationRow(
                medication=m,
                cramp_linked=m.kind in CRAMP_LINKED,
                before=counts.get(f"before_{m.pk}") if covered_before else None,
                after=counts.get(f"after_{m.pk}") if covered_after else None,
            )
        )
    return rows


def _region_text(region: dict) -> str:
    """ "Calf 12 (left 7, right 5)": the sides that have episodes."""
    labels = dict(Side.choices) | {Side.NOT_APPLICABLE.value: "side n/a"}
    sides = [f"{labels[side].lower()} {n}" for side, n in region["sides"].items() if n]
    return f"{region['label']} {region['total']} ({', '.join(sides)})"


def build(
    user: AbstractBaseUser,
    period: Period,
    options: Options,
    today: dt.date,
    first: dt.date | None,
) -> dict:
    """Everything the report shows, for one period and one set of options."""
    current, previous = stats.summaries(user, period)
    where = stats.where_and_when(user, period)
    rest = sum(current.activities.get(a, 0) for a in REST)
    exercise = sum(current.activities.get(a, 0) for a in EXERCISE)
    minimum = stats.setting("INSIGHT_MIN_DAYS")
    episodes = listed_episodes(user, period, options)
    medications = medication_rows(user, first, today)
    over_time = stats.over_time(user, period)
    records_before = first is not None and first < period.start
    return {
        "options": options,
        "records_before": records_before,
        "period": period,
        "previous": period.previous(),
        "made_on": today,
        "summary": current,
        "previous_summary": previous,
        "headlines": headlines(current, previous, period, first),
        "long_seconds": stats.long_seconds(),
        "nights_per_week": current.cramp_nights / period.weeks,
        "previous_nights_per_week": previous.cramp_nights / period.previous().weeks,
        "rest_share": _share(rest, current.episodes),
        "exercise_share": _share(exercise, current.episodes),
        "regions": [_region_text(region) for region in where.regions],
        "body_map": body_map.counts_map(where.regions) if where.regions else None,
        "body_map_title": body_map.TITLE,
        "flags": flags.evaluate(flags.load(user, period, first)),
        "medications": medications,
        # Only a list made before the limit (or in the admin) can be longer.
        "medications_left_out": (
            Medication.objects.for_user(user).count() - len(medications)
            if len(medications) == MAX_MEDICATIONS
            else 0
        ),
        "reliefs": stats.reliefs(user, period),
        "triggers": stats.triggers(user, period) if current.episodes >= minimum else None,
        "minimum_episodes": minimum,
        "episodes": episodes,
        "episodes_left_out": current.episodes - len(episodes),
        "max_episodes": MAX_EPISODES,
        "note_limit": MAX_NOTE_LENGTH,
        **page_one(user, period, over_time),
        "charts": charts(where.hours, current),
    }


def listed_episodes(user: AbstractBaseUser, period: Period, options: Options) -> list[Episode]:
    """The period's most recent MAX_EPISODES episodes, oldest first, with what the list
    shows of them. Notes are read only when chosen, and then only as much as a note may
    hold (``report_notes``): a longer one, kept from before the limit, is cut."""
    episodes = stats.episodes_in(user, period).defer("notes")
    if options.include_notes:
        episodes = episodes.annotate(report_notes=Substr("notes", 1, MAX_NOTE_LENGTH + 1))
    listed = list(episodes.order_by("-started_at", "-pk")[:MAX_EPISODES])
    listed.reverse()
    prefetch_related_objects(listed, "symptoms", "reliefs")
    return listed


OVER_TIME_TITLES = {
    "day": "Episodes per day",
    "week": "Episodes per week (weeks start on Monday)",
    "month": "Episodes per month",
}


def page_one(user: AbstractBaseUser, period: Period, over_time: list[dict]) -> dict:
    """What a clinician takes in at a glance, first: the calendar of the range and the
    episodes over time with each medication change marked on it."""
    bucket = stats.bucket_for(period)
    labels = [
        f"{row['start']:%b %Y}" if bucket == "month" else f"{row['start'].day} {row['start']:%b}"
        for row in over_time
    ]
    changes = medication_changes(user, period)
    days = stats.calendar_days(user, period)
    summary = calendar_text(days)
    trend_title = OVER_TIME_TITLES[bucket]
    # The SVGs' own names carry what they show, for a screen reader in the HTML report.
    marked = "; ".join(f"{number}: {text}" for number, (_, text) in enumerate(changes, 1))
    return {
        "calendar_title": CALENDAR_TITLE,
        "calendar": svg.calendar(f"{CALENDAR_TITLE}. {summary}", days),
        "calendar_text": summary,
        "trend_title": trend_title,
        "trend": svg.bar_chart(
            f"{trend_title}. Medication changes marked: {marked}." if changes else trend_title,
            labels,
            [row["episodes"] for row in over_time],
            every=max(1, len(labels) // 10),
            markers=[
                (_position(over_time, day), str(number))
                for number, (day, _) in enumerate(changes, 1)
            ],
        ),
        "medication_changes": [text for _, text in changes],
    }


CALENDAR_TITLE = "Each day of the range, shaded by its worst cramp"


def calendar_text(days: list[stats.Day]) -> str:
    """The calendar in words: its text alternative, and the line beneath it."""
    cramp = [d for d in days if d.worst is not None]
    free = sum(1 for d in days if d.worst is None and d.checked_in)
    broken = sum(1 for d in cramp if d.broke_sleep)
    text = (
        f"{len(cramp)} cramp day{'s' if len(cramp) != 1 else ''} "
        f"(sleep broken on {broken}), {free} checked in without a cramp, "
        f"{len(days) - len(cramp) - free} with no record."
    )
    if len({(d.date.year, d.date.month) for d in days}) > svg.CAL_MONTHS:
        text += f" The calendar shows the range's last {svg.CAL_MONTHS} months."
    return text


def medication_changes(user: AbstractBaseUser, period: Period) -> list[tuple[dt.date, str]]:
    """Each medicine started or stopped in the period, in date order: (day, what)."""
    span = (period.start, period.end)
    medications = Medication.objects.for_user(user).filter(
        Q(started_on__range=span) | Q(stopped_on__range=span)
    )
    changes = []
    for m in medications:
        for day, what in ((m.started_on, "started"), (m.stopped_on, "stopped")):
            if day and period.start <= day <= period.end:
                changes.append((day, f"{m.name} {what} {formatting.local_date(day)}"))
    return sorted(changes)


def _position(over_time: list[dict], day: dt.date) -> float:
    """Where a day falls on the episodes-over-time chart, in bars from its left edge."""
    for i, row in enumerate(over_time):
        if day < row["start"] + dt.timedelta(days=row["length"]):
            return i + (day - row["start"]).days / row["length"]
    return float(len(over_time))


def charts(hours: list[int], summary: stats.Summary) -> list:
    """The report's other charts as SVG, from the Patterns page's own series."""
    return [
        svg.bar_chart(
            "Episodes by the local hour they began", [f"{h:02d}" for h in range(24)], hours, 3
        ),
        svg.bar_chart(
            "How long they lasted", list(summary.durations), list(summary.durations.values())
        ),
    ]
