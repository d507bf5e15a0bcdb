"""With seed_demo data, the flags shown are exactly what the rules say of that data.

Each flag is checked against the journal read a second, independent way: plain ORM
queries written from the rule's words, not from journal.patterns.flags' code.
"""

import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from journal.models import CheckIn, Episode, Medication
from journal.patterns import flags, stats

UNTIL = dt.date(2025, 6, 30)
LONDON = zoneinfo.ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> User:
    call_command(
        "seed_demo",
        "--username=demo",
        "--password=demo-pass-123",
        "--days=365",
        f"--until={UNTIL}",
        stdout=io.StringIO(),
    )
    return User.objects.get(username="demo")


def _window_counts(dates: list[dt.date], days: int) -> int:
    """The most episodes in any run of ``days`` local days."""
    return max(
        (sum(1 for d in dates if end - dt.timedelta(days=days - 1) <= d <= end) for end in dates),
        default=0,
    )


def test_demo_flags_match_the_rules(demo):
    period = flags.current_period(UNTIL, LONDON)
    raised = {f.kind: f for f in flags.evaluate(flags.load(demo, period, stats.first_day(demo)))}
    episodes = Episode.objects.for_user(demo).filter(
        local_date__gte=period.start, local_date__lte=period.end
    )

    warned = episodes.filter(symptoms__symptom__in=flags.WARNING_SYMPTOMS).distinct()
    assert ("warning_symptoms" in raised) == warned.exists()
    if warned.exists():
        assert set(raised["warning_symptoms"].episode_ids) == set(
            warned.values_list("pk", flat=True)
        )

    severe = episodes.filter(Q(intensity__gte=8) | Q(symptoms__symptom="uncontrolled_pain"))
    assert ("severe_pain" in raised) == severe.exists()

    long = episodes.filter(duration_seconds__gt=600)
    assert ("long_lasting" in raised) == long.exists()
    if long.exists():
        assert set(raised["long_lasting"].episode_ids) == set(long.values_list("pk", flat=True))

    dates = list(episodes.values_list("local_date", flat=True))
    frequent = _window_counts(dates, 7) >= 3 or _window_counts(dates, 30) >= 6
    assert ("frequent" in raised) == frequent

    nights = sorted(set(episodes.filter(broke_sleep=True).values_list("night_of", flat=True)))
    broken = any((b - a).days < 14 for a, b in zip(nights, nights[1:], strict=False))
    assert ("broken_sleep" in raised) == broken

    medicines = Medication.objects.for_user(demo).filter(kind__in=["diuretic", "statin"])
    on_medicine = [e for e in episodes if any(m.is_active_on(e.local_date) for m in medicines)]
    assert ("medication" in raised) == bool(on_medicine)

    recent = episodes.filter(local_date__gt=UNTIL - dt.timedelta(days=28)).count()
    before = (
        Episode.objects.for_user(demo)
        .filter(
            local_date__gt=UNTIL - dt.timedelta(days=56),
            local_date__lte=UNTIL - dt.timedelta(days=28),
        )
        .count()
    )
    assert ("rising" in raised) == (recent >= 4 and recent >= 1.5 * before)

    prevention = set(
        CheckIn.objects.for_user(demo)
        .filter(Q(stretched=True) | Q(warmed_up=True))
        .values_list("date", flat=True)
    )

    def persists_up_to(end: dt.date) -> bool:
        done = sorted(d for d in prevention if end - dt.timedelta(days=27) <= d <= end)
        if len(done) < 14:
            return False
        since = max(end - dt.timedelta(days=13), done[13])
        return sum(1 for d in dates if since <= d <= end) >= 4

    persisting = any(persists_up_to(end) for end in dates)
    assert ("persisting" in raised) == persisting
    # The demo is built to show the app's features, so most rules should fire on it.
    assert len(raised) >= 4


def test_a_fresh_account_sees_no_flags(user):
    period = flags.current_period(UNTIL, LONDON)
    assert flags.evaluate(flags.load(user, period, stats.first_day(user))) == []


def test_the_demo_shows_its_heaviest_flag_first_and_folds_the_rest(demo, client_for):
    """The demo raises most of the rules; the clinician page opens on the heaviest (by
    flags.WEIGHTS) and folds the others under one line, in the same order."""
    period = flags.current_period(UNTIL, LONDON)
    raised = flags.evaluate(flags.load(demo, period, stats.first_day(demo)))
    heaviest = min(raised, key=lambda f: (flags.WEIGHTS[f.kind], -len(f.episode_ids)))
    assert raised[0] == heaviest
    weights = [flags.WEIGHTS[f.kind] for f in raised]
    assert weights == sorted(weights)

    noon = dt.datetime.combine(UNTIL, dt.time(12), tzinfo=LONDON)
    with time_machine.travel(noon, tick=False):
        html = client_for(demo).get(reverse("flags")).content.decode()
    before, _, after = html.partition("data-flags-more")
    assert re.findall(r'<article [^>]*data-flag="(\w+)"', before) == [raised[0].kind]
    assert re.findall(r'<article [^>]*data-flag="(\w+)"', after) == [f.kind for f in raised[1:]]
    assert f"{len(raised) - 1} more things worth discussing</summary>" in after
