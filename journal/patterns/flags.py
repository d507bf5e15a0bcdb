"""When a pattern is worth discussing with a clinician: the eight flag rules.

A person's data in, a list of flags out. Each flag carries its level, its reason in
plain words, the episodes behind it, its rule with the threshold in words and the
guidance it rests on. Flags are worked out from the journal every time they are shown
and never stored; the only thing stored is the person's "discussed with my clinician"
mark (models.FlagReview), which hides a flag until a newer episode meets its rule.

A flag is never a diagnosis: it says a pattern is worth discussing with a clinician.

The eight rules stay together, each with its words and sources beside its test, so a
rule and what it says about itself change together; hence over 400 lines.

The work is four queries whatever the size of the journal: the period's episodes with
their symptoms, the medication list, the prevention check-ins and the review marks.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Generic, NamedTuple, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from journal import formatting
from journal.models import (
    CheckIn,
    Episode,
    FlagKind,
    FlagReview,
    Medication,
    MedicationKind,
    Symptom,
)
from journal.patterns.guidance import HAMSTRING_GUIDE, SPASMS_GUIDE, Document
from journal.patterns.stats import Period
from journal.patterns.thresholds import reason, shown, threshold

# The symptoms the guidance lists as reasons to seek advice (both documents).
WARNING_SYMPTOMS = (
    Symptom.WEAKNESS,
    Symptom.NUMBNESS,
    Symptom.SWELLING,
    Symptom.REDNESS,
    Symptom.SKIN_CHANGES,
)
# The medicine kinds the guidance names as raising the risk of cramps.
CRAMP_MEDICINES = (MedicationKind.DIURETIC, MedicationKind.STATIN)


def _count(name: str) -> int:
    """A count or a number of days; at least 1, so an odd setting cannot empty a rule."""
    return max(1, int(threshold(name)))


class Level(IntEnum):
    # Lower is more urgent. Flags are shown in the order of WEIGHTS, which keeps every
    # "soon" flag before every "next visit" one.
    SOON = 1
    NEXT_VISIT = 2

    @property
    def is_soon(self) -> bool:
        return self is Level.SOON

    @property
    def label(self) -> str:
        return "See a clinician soon" if self is Level.SOON else "Discuss at your next visit"


@dataclass(frozen=True)
class Source:
    document: Document
    says: str  # what the passage says, in the app's words


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    level: Level
    title: str
    explanation: str
    rule: str
    sources: tuple[Source, ...]
    # The clinical source of a threshold the documents leave open; empty when they set it.
    threshold_source: str
    episode_ids: tuple[int, ...]
    # What the episodes showed, e.g. "4 episodes from 3 to 9 March".
    finding: str
    # Days behind the flag besides its episodes: the nights of broken sleep, or the
    # prevention days of the persisting rule.
    days: tuple[dt.date, ...] = ()

    @property
    def newest_episode_id(self) -> int:
        return max(self.episode_ids)

    @property
    def on_one_episode(self) -> str:
        """ONE_EPISODE when a single episode raised the flag, so a person weighs one bad
        night as one bad night; otherwise nothing."""
        return ONE_EPISODE if len(self.episode_ids) == 1 else ""


# Said beside a flag that one episode raised: on the Patterns page, the clinician page
# and the report.
ONE_EPISODE = "This rests on one episode."


# The journal as the rules read it ------------------------------------------------------


class Cramp(NamedTuple):
    pk: int
    local_date: dt.date
    night_of: dt.date
    intensity: int
    duration_seconds: int | None
    broke_sleep: bool
    symptoms: frozenset[str]


@dataclass
class Journal:
    """What the rules read, loaded in three queries."""

    period: Period
    cramps: list[Cramp]  # in the period, oldest first
    earlier: list[Cramp]  # the weeks before the period that the rising rule compares
    medications: list[Medication]
    prevention_days: list[dt.date]  # sorted
    first_day: dt.date | None
    dates: list[dt.date] = field(init=False)

    def __post_init__(self) -> None:
        self.dates = [c.local_date for c in self.cramps]

    def between(self, first: dt.date, last: dt.date) -> list[Cramp]:
        """The period's cramps from one local date to another, both included."""
        return self.cramps[bisect_left(self.dates, first) : bisect_right(self.dates, last)]


def load(user: AbstractBaseUser, period: Period, first_day: dt.date | None) -> Journal:
    """The period's episodes (and the weeks before it the rising rule needs), the
    medication list and the prevention check-ins: three queries."""
    rising_days = _count("RISING_DAYS")
    fetch_from = min(period.start, period.end - dt.timedelta(days=2 * rising_days - 1))
    # One row per episode and symptom (a LEFT JOIN), folded into one Cramp per episode.
    rows = (
        Episode.objects.for_user(user)
        .filter(local_date__gte=fetch_from, local_date__lte=period.end)
        .order_by("local_date", "started_at", "pk")
        .values_list(
            "pk",
            "local_date",
            "night_of",
            "intensity",
            "duration_seconds",
            "broke_sleep",
            "symptoms__symptom",
        )
    )
    by_pk: dict[int, tuple] = {}
    symptoms: dict[int, set[str]] = {}
    for *fields_, symptom in rows:
        by_pk.setdefault(fields_[0], tuple(fields_))
        if symptom:
            symptoms.setdefault(fields_[0], set()).add(symptom)
    cramps = [Cramp(*row, frozenset(symptoms.get(row[0], ()))) for row in by_pk.values()]
    window = int(threshold("PREVENTION_WINDOW_DAYS"))
    prevention = (
        CheckIn.objects.for_user(user)
        .filter(
            Q(stretched=True) | Q(warmed_up=True),
            date__gte=period.start - dt.timedelta(days=window - 1),
            date__lte=period.end,
        )
        .order_by("date")
        .values_list("date", flat=True)
    )
    return Journal(
        period=period,
        cramps=[c for c in cramps if c.local_date >= period.start],
        earlier=[c for c in cramps if c.local_date < period.start],
        medications=list(
            Medication.objects.for_user(user).filter(kind__in=CRAMP_MEDICINES).order_by("pk")
        ),
        prevention_days=list(prevention),
        first_day=first_day,
    )


# Words ----------------------------------------------------------------------------------


def _episodes(n: int) -> str:
    return f"{n} episode{'s' if n != 1 else ''}"


def _day(day: dt.date, year: bool = True) -> str:
    return formatting.local_date(day, formatting.LONG_DATE if year else formatting.DAY_MONTH)


def _span(first: dt.date, last: dt.date) -> str:
    if first == last:
        return f"on {_day(last)}"
    return f"from {_day(first, year=first.year != last.year)} to {_day(last)}"


def _labels(values: Iterable[str]) -> str:
    """Symptom names in words, in the order of the symptom list."""
    labels, chosen = dict(Symptom.choices), set(values)
    names = [labels[v].lower() for v in Symptom.values if v in chosen]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# The rules ------------------------------------------------------------------------------
# Each takes the Journal and returns a Flag, or None when its rule is not met.


def warning_symptoms(journal: Journal) -> Flag | None:
    hits = [c for c in journal.cramps if c.symptoms & set(WARNING_SYMPTOMS)]
    if not hits:
        return None
    found = _labels(s for c in hits for s in c.symptoms if s in WARNING_SYMPTOMS)
    return Flag(
        kind=FlagKind.WARNING_SYMPTOMS,
        level=Level.SOON,
        title="Cramps with other symptoms",
        explanation=(
            "Weakness, numbness or tingling, swelling, redness or a change in the skin "
            "alongside cramps can point to a problem with circulation or nerves that a "
            "clinician should look at. Most cramps are harmless, but these signs are "
            "worth having checked."
        ),
        rule="Any episode logged with weakness, numbness or tingling, swelling, redness "
        "or skin changes.",
        sources=(
            Source(
                HAMSTRING_GUIDE,
                "Weakness, numbness, swelling, redness or skin changes with cramps call "
                "for medical advice.",
            ),
            Source(
                SPASMS_GUIDE,
                "Numbness in the legs, visible swelling or skin changes where it cramps "
                "are reasons to call a doctor.",
            ),
        ),
        threshold_source="",
        episode_ids=tuple(c.pk for c in hits),
        finding=f"{_episodes(len(hits))} with {found}, "
        f"{_span(hits[0].local_date, hits[-1].local_date)}.",
    )


def severe_pain(journal: Journal) -> Flag | None:
    severe = int(threshold("SEVERE_INTENSITY"))
    hits = [
        c
        for c in journal.cramps
        if c.intensity >= severe or Symptom.UNCONTROLLED_PAIN in c.symptoms
    ]
    if not hits:
        return None
    worst = max(c.intensity for c in hits)
    uncontrolled = sum(Symptom.UNCONTROLLED_PAIN in c.symptoms for c in hits)
    finding = f"{_episodes(len(hits))}, {_span(hits[0].local_date, hits[-1].local_date)}; "
    finding += f"the worst at {formatting.intensity(worst)}"
    if uncontrolled:
        finding += f"; pain that could not be controlled in {uncontrolled}"
    return Flag(
        kind=FlagKind.SEVERE_PAIN,
        level=Level.SOON,
        title="Severe or uncontrollable pain",
        explanation=(
            "Cramps hurt, but pain you rate as severe, or pain you cannot bring under "
            "control, is a reason to get medical advice rather than manage on your own."
        ),
        rule=f"Any episode at {formatting.intensity(severe)} or more, or marked as pain that "
        "could not be controlled.",
        sources=(
            Source(HAMSTRING_GUIDE, "Cramps of severe intensity warrant a medical evaluation."),
            Source(SPASMS_GUIDE, "Substantial or uncontrollable pain is a reason to call."),
        ),
        threshold_source=reason("SEVERE_INTENSITY"),
        episode_ids=tuple(c.pk for c in hits),
        finding=finding + ".",
    )


def long_lasting(journal: Journal) -> Flag | None:
    limit = int(threshold("LONG_SECONDS"))
    hits = [c for c in journal.cramps if c.duration_seconds and c.duration_seconds > limit]
    if not hits:
        return None
    longest = max(c.duration_seconds or 0 for c in hits)
    return Flag(
        kind=FlagKind.LONG_LASTING,
        level=Level.SOON,
        title="Cramps lasting longer than usual",
        explanation=(
            "A cramp that will not let go for many minutes is unusual. Tell a clinician "
            "about it promptly, and say how long it went on."
        ),
        rule=f"Any episode lasting more than {shown('LONG_SECONDS')}.",
        sources=(
            Source(
                SPASMS_GUIDE,
                "Cramps are usually over in minutes; a few go on far longer.",
            ),
        ),
        threshold_source=reason("LONG_SECONDS"),
        episode_ids=tuple(c.pk for c in hits),
        finding=f"{_episodes(len(hits))}, {_span(hits[0].local_date, hits[-1].local_date)}; "
        f"the longest {formatting.duration(longest)}.",
    )


def _latest_window(
    journal: Journal, days: int, enough: Callable[[list[Cramp], dt.date], bool]
) -> list[Cramp] | None:
    """The cramps of the latest ``days``-day window (ending on a cramp's day) that meets
    ``enough``; the windows slide over the period, day by day, newest first."""
    for end in sorted(set(journal.dates), reverse=True):
        window = journal.between(end - dt.timedelta(days=days - 1), end)
        if enough(window, end):
            return window
    return None


def frequent(journal: Journal) -> Flag | None:
    rules = [
        (_count("FREQUENT_SHORT_EPISODES"), _count("FREQUENT_SHORT_DAYS")),
        (_count("FREQUENT_LONG_EPISODES"), _count("FREQUENT_LONG_DAYS")),
    ]
    windows = [
        window
        for n, days in rules
        if (window := _latest_window(journal, days, lambda w, _end, n=n: len(w) >= n))
    ]
    if not windows:
        return None
    # The window that ends latest, so the flag shows the newest episodes (and comes back
    # after a review when new ones meet either rule); the short rule wins a tie.
    window = max(windows, key=lambda w: w[-1].local_date)
    (short_n, short_days), (long_n, long_days) = rules
    return Flag(
        kind=FlagKind.FREQUENT,
        level=Level.NEXT_VISIT,
        title="Frequent cramps",
        explanation=(
            "Cramps that come often, or so often that they have become a regular part of "
            "life, are worth discussing: a clinician can look for something behind them "
            "and talk through treatment."
        ),
        rule=f"{short_n} or more episodes within {short_days} days, or {long_n} or more "
        f"within {long_days} days.",
        sources=(
            Source(HAMSTRING_GUIDE, "Cramps that become frequent warrant medical advice."),
            Source(
                SPASMS_GUIDE,
                "Some people's cramps come so often that they count as chronic.",
            ),
        ),
        threshold_source=reason(
            "FREQUENT_SHORT_EPISODES",
            "FREQUENT_LONG_EPISODES",
            also=("FREQUENT_SHORT_DAYS", "FREQUENT_LONG_DAYS"),
        ),
        episode_ids=tuple(c.pk for c in window),
        finding=f"{_episodes(len(window))} {_span(window[0].local_date, window[-1].local_date)}.",
    )


def persisting(journal: Journal) -> Flag | None:
    n = _count("PERSIST_EPISODES")
    days = _count("PERSIST_DAYS")
    needed = _count("PREVENTION_DAYS")
    window_days = _count("PREVENTION_WINDOW_DAYS")
    prevention = journal.prevention_days

    def prevention_up_to(end: dt.date) -> list[dt.date]:
        """The prevention days of the window_days ending on ``end``, both ends included."""
        first = end - dt.timedelta(days=window_days - 1)
        return prevention[bisect_left(prevention, first) : bisect_right(prevention, end)]

    def after_prevention(window: list[Cramp], end: dt.date) -> list[Cramp]:
        """The window's cramps from the day prevention reached ``needed`` days on."""
        done = prevention_up_to(end)
        if len(done) < needed:
            return []
        return [c for c in window if c.local_date >= done[needed - 1]]

    window = _latest_window(journal, days, lambda w, end: len(after_prevention(w, end)) >= n)
    if not window:
        return None
    end = window[-1].local_date
    window = after_prevention(window, end)
    done = prevention_up_to(end)
    return Flag(
        kind=FlagKind.PERSISTING,
        level=Level.NEXT_VISIT,
        title="Cramps despite prevention",
        explanation=(
            "You have been stretching or warming up regularly and the cramps keep coming. "
            "When self-care is not enough, a clinician can look for a cause that needs "
            "treating."
        ),
        rule=f"{n} or more episodes within {days} days, all after prevention (stretching "
        f"or a warm-up in the daily check-in) had been logged on at least {needed} of the "
        f"{window_days} days up to the last of them.",
        sources=(
            Source(
                HAMSTRING_GUIDE,
                "Cramps that persist despite preventive measures warrant medical advice.",
            ),
        ),
        threshold_source=reason(
            "PERSIST_EPISODES",
            also=("PERSIST_DAYS", "PREVENTION_DAYS", "PREVENTION_WINDOW_DAYS"),
        ),
        episode_ids=tuple(c.pk for c in window),
        finding=f"{_episodes(len(window))} {_span(window[0].local_date, window[-1].local_date)}"
        f", after prevention on {len(done)} of the {window_days} days.",
        days=tuple(done),
    )


def broken_sleep(journal: Journal) -> Flag | None:
    nights_needed = _count("SLEEP_NIGHTS")
    days = _count("SLEEP_DAYS")
    wakers = [c for c in journal.cramps if c.broke_sleep]
    nights = sorted({c.night_of for c in wakers})
    # The latest run of ``days`` nights, ending on a broken night, with enough of them.
    windows = (
        [d for d in nights if end - dt.timedelta(days=days - 1) <= d <= end]
        for end in reversed(nights)
    )
    latest = next((w for w in windows if len(w) >= nights_needed), None)
    if not latest:
        return None
    hits = [c for c in wakers if c.night_of in set(latest)]
    return Flag(
        kind=FlagKind.BROKEN_SLEEP,
        level=Level.NEXT_VISIT,
        title="Cramps breaking your sleep",
        explanation=(
            "Cramps that keep waking you, or keep you from sleeping, are one of the reasons "
            "the guidance gives for calling a doctor."
        ),
        rule=f"Sleep broken by cramps on {nights_needed} or more nights within {days} days.",
        sources=(
            Source(
                SPASMS_GUIDE,
                "Not being able to sleep because of cramps is a reason to call a doctor.",
            ),
        ),
        threshold_source=reason("SLEEP_NIGHTS", also=("SLEEP_DAYS",)),
        episode_ids=tuple(c.pk for c in hits),
        finding=f"Sleep broken on {len(latest)} nights {_span(latest[0], latest[-1])}.",
        days=tuple(latest),
    )


def medication(journal: Journal) -> Flag | None:
    def active(cramp: Cramp) -> list[Medication]:
        return [m for m in journal.medications if m.is_active_on(cramp.local_date)]

    hits = [(c, active(c)) for c in journal.cramps]
    hits = [(c, meds) for c, meds in hits if meds]
    if not hits:
        return None
    medicines = sorted({str(m) for _, meds in hits for m in meds})
    return Flag(
        kind=FlagKind.MEDICATION,
        level=Level.NEXT_VISIT,
        title="Cramps while taking a diuretic or statin",
        explanation=(
            "Diuretics (water pills) and some statins can make cramps more likely. Tell "
            "whoever prescribed it about your cramps; they can check whether the "
            "medicine plays a part. Do not stop or change a medicine on your own."
        ),
        rule="Any episode on a day when a diuretic or a statin on your medication list was "
        "being taken.",
        sources=(
            Source(
                HAMSTRING_GUIDE,
                "Diuretics and some statins can raise the risk of cramps.",
            ),
        ),
        threshold_source="",
        episode_ids=tuple(c.pk for c, _ in hits),
        finding=f"{_episodes(len(hits))} while taking {', '.join(medicines)}, "
        f"{_span(hits[0][0].local_date, hits[-1][0].local_date)}.",
    )


def rising(journal: Journal) -> Flag | None:
    days = _count("RISING_DAYS")
    ratio = float(threshold("RISING_RATIO"))
    minimum = _count("RISING_MIN_EPISODES")
    end = journal.period.end
    recent_from = end - dt.timedelta(days=days - 1)
    before_from = recent_from - dt.timedelta(days=days)
    # Both windows must lie within the journal: before its first record, zero cramps
    # would be no record at all, not a low count.
    if journal.first_day is None or journal.first_day > before_from:
        return None
    everything = journal.earlier + journal.cramps
    recent = [c for c in everything if recent_from <= c.local_date <= end]
    before = [c for c in everything if before_from <= c.local_date < recent_from]
    # "not recent" too: a threshold set to 0 must not raise a flag with no episodes.
    if not recent or len(recent) < minimum or len(recent) < ratio * len(before):
        return None
    return Flag(
        kind=FlagKind.RISING,
        level=Level.NEXT_VISIT,
        title="Cramps becoming more frequent",
        explanation=(
            "Your cramps have been coming more often lately. A rising count is an early "
            "sign of cramps becoming frequent, which the guidance names as a reason to "
            "seek advice."
        ),
        rule=f"At least {minimum} episodes in the last {days} days, and {ratio:g} times or "
        f"more as many as in the {days} days before.",
        sources=(Source(HAMSTRING_GUIDE, "Cramps that become frequent warrant medical advice."),),
        threshold_source="CrampJournal's own early signal, derived from the frequent rule: "
        f"{reason('RISING_RATIO', also=('RISING_DAYS', 'RISING_MIN_EPISODES'))}.",
        episode_ids=tuple(c.pk for c in recent),
        finding=f"{_episodes(len(recent))} in the last {days} days against {len(before)} in "
        f"the {days} days before.",
    )


RULES: tuple[Callable[[Journal], Flag | None], ...] = (
    warning_symptoms,
    severe_pain,
    long_lasting,
    frequent,
    rising,
    persisting,
    broken_sleep,
    medication,
)


# The order flags are shown in, heaviest first: the one home of that order, read by the
# Patterns page, the clinician page and the report alike. Why this order:
# 1. Warning symptoms and severe or uncontrollable pain: the signs both documents name
#    as reasons to get advice, which can point to a problem behind the cramps.
# 2. Long-lasting: a cramp over 10 minutes needs prompt advice (NHS), but is one
#    cramp's length, not a sign of something else.
# 3. Frequent, then 4. rising (its early signal, so lighter): how often, the commonest
#    reason cramps are taken to a clinician, for the next visit.
# 5. Broken sleep: what the cramps cost, from the same episodes as the rules above.
# 6. Persisting despite prevention: true only alongside frequent-enough cramps, and
#    mostly says self-care has been tried.
# 7. Medication: a question for the prescriber, raised by any episode at all while a
#    diuretic or statin is taken.
# A lower number is heavier; kinds may share a number, and then (and only then) the
# flag with more episodes behind it is heavier, then the order of RULES.
WEIGHTS: dict[FlagKind, int] = {
    FlagKind.WARNING_SYMPTOMS: 1,
    FlagKind.SEVERE_PAIN: 1,
    FlagKind.LONG_LASTING: 2,
    FlagKind.FREQUENT: 3,
    FlagKind.RISING: 4,
    FlagKind.BROKEN_SLEEP: 5,
    FlagKind.PERSISTING: 6,
    FlagKind.MEDICATION: 7,
}


def _weight(flag: Flag) -> tuple[int, int]:
    return WEIGHTS[flag.kind], -len(flag.episode_ids)


def evaluate(journal: Journal) -> list[Flag]:
    """Every flag the journal raises, heaviest first (WEIGHTS; sorted() keeps the order
    of RULES in a tie)."""
    flags = [flag for rule in RULES if (flag := rule(journal))]
    return sorted(flags, key=_weight)


T = TypeVar("T")


@dataclass(frozen=True)
class Folded(Generic[T]):
    """Flags for a phone's page: the heaviest shown, the rest folded under it."""

    first: T
    rest: list[T]

    @property
    def more(self) -> str:
        """The fold's label: "2 more things worth discussing"."""
        n = len(self.rest)
        return f"{n} more thing{'s' if n != 1 else ''} worth discussing"


def fold(shown: list[T]) -> Folded[T] | None:
    """The flags (or (flag, episodes) pairs), heaviest first, folded after the first;
    None when there are none. The report lists every flag unfolded: it is read whole."""
    return Folded(shown[0], shown[1:]) if shown else None


# Review marks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reviewed:
    """Flags split into those to show and those the person has discussed."""

    active: list[Flag]
    discussed: list[tuple[Flag, FlagReview]]
    history: list[FlagReview]


def reviews(user: AbstractBaseUser) -> list[FlagReview]:
    return list(FlagReview.objects.for_user(user))


def apply_reviews(flags: list[Flag], history: list[FlagReview]) -> Reviewed:
    """A flag stays hidden while its newest episode is covered by the latest mark."""
    latest: dict[str, FlagReview] = {}
    for review in history:  # newest first
        latest.setdefault(review.kind, review)
    active, discussed = [], []
    for flag in flags:
        review = latest.get(flag.kind)
        if review and review.through_episode_id >= flag.newest_episode_id:
            discussed.append((flag, review))
        else:
            active.append(flag)
    return Reviewed(active, discussed, history)


def current_period(today: dt.date, zone) -> Period:
    """The window that current flags read: the last LOOKBACK_DAYS local days."""
    days = int(threshold("LOOKBACK_DAYS"))
    return Period(today - dt.timedelta(days=days - 1), today, zone)


def current(user: AbstractBaseUser, today: dt.date, zone, first_day: dt.date | None) -> Reviewed:
    """The person's flags now, split by their review marks: four queries."""
    journal = load(user, current_period(today, zone), first_day)
    return apply_reviews(evaluate(journal), reviews(user))


# The episode just saved ------------------------------------------------------------------


def episode_concerns(intensity: int, symptoms: Iterable[str]) -> list[str]:
    """What about one episode is worth discussing with a clinician, in words.

    The same tests as the warning-symptom and severe-pain rules, for the message shown
    straight after an episode is saved.
    """
    symptoms = set(symptoms)
    concerns = []
    warnings = symptoms & set(WARNING_SYMPTOMS)
    if warnings:
        concerns.append(_labels(warnings))
    if intensity >= int(threshold("SEVERE_INTENSITY")):
        concerns.append(f"pain at {formatting.intensity(intensity)}")
    if Symptom.UNCONTROLLED_PAIN in symptoms:
        concerns.append("pain that could not be controlled")
    return concerns
