"""The eight flag rules of journal.patterns.flags, each at, just under and just over its threshold.

Every case is built in the database and read back through flags.load, as the flags page
reads it. Dates are counted back from Tuesday 30 June 2026; the person lives in UTC
unless a test says otherwise.
"""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.models import (
    Episode,
    EpisodeSymptom,
    FlagKind,
    FlagReview,
    MedicationKind,
    Profile,
    Symptom,
    local_fields,
)
from journal.patterns import flags
from journal.patterns.flags import Level
from journal.patterns.stats import Period

UTC = zoneinfo.ZoneInfo("UTC")
LONDON = zoneinfo.ZoneInfo("Europe/London")
END = dt.date(2026, 6, 30)
PERIOD = Period(END - dt.timedelta(days=89), END, UTC)  # the 90 days flags.current reads
FIRST_DAY = dt.date(2026, 1, 1)  # the person's first record, long before any window
# The guidance documents, by the titles shared/guidance/README.md gives them.
GUIDES = {
    "Hamstring cramps: relief, causes and prevention",
    "Muscle spasms and cramps: what can I do?",
}
SOON = {FlagKind.WARNING_SYMPTOMS, FlagKind.SEVERE_PAIN, FlagKind.LONG_LASTING}
WARNING = ["weakness", "numbness", "swelling", "redness", "skin_changes"]
# Each rule's threshold, as its rule text must put it in words.
RULE_WORDS = {
    FlagKind.WARNING_SYMPTOMS: ("Any episode", "weakness, numbness", "skin changes"),
    FlagKind.SEVERE_PAIN: ("Any episode at 8/10 or more", "could not be controlled"),
    FlagKind.LONG_LASTING: ("Any episode lasting more than 10 min.",),
    FlagKind.FREQUENT: ("3 or more episodes within 7 days", "6 or more within 30 days"),
    FlagKind.RISING: ("At least 4 episodes in the last 28 days", "1.5 times or more"),
    FlagKind.PERSISTING: ("4 or more episodes within 14 days", "at least 14 of the 28 days"),
    FlagKind.BROKEN_SLEEP: ("2 or more nights within 14 days",),
    FlagKind.MEDICATION: ("diuretic or a statin",),
}
# Prevention (stretching or a warm-up) on every other day of the 28 up to END: 14 days,
# the 14th of them today.
EVERY_OTHER = list(range(0, 28, 2))
# Prevention on each of the 14 days from 27 to 14 days ago: the 14th was 14 days ago.
FORTNIGHT = list(range(14, 28))


def ago(days: int) -> dt.date:
    return END - dt.timedelta(days=days)


def journal(user, first_day=FIRST_DAY, period=PERIOD) -> flags.Journal:
    return flags.load(user, period, first_day)


def check_flag(flag, kind: FlagKind, episodes) -> None:
    """A raised flag: its episodes, its rule in words, its sources and its level."""
    assert flag is not None, f"{kind} was not raised"
    assert flag.kind == kind
    assert sorted(flag.episode_ids) == sorted(e.pk for e in episodes)
    assert flag.level == (Level.SOON if kind in SOON else Level.NEXT_VISIT)
    assert all(words in flag.rule for words in RULE_WORDS[kind]), flag.rule
    assert flag.sources and all(s.document.title in GUIDES and s.says for s in flag.sources)
    assert flag.title and flag.explanation and flag.finding


@pytest.fixture
def cramp(user, make_episode):
    """An episode ``days_ago`` days before END, at noon UTC unless told, with symptoms."""

    def add(days_ago: int, *symptoms: str, owner=None, hour: int = 12, **fields) -> Episode:
        started = dt.datetime.combine(ago(days_ago), dt.time(hour), tzinfo=dt.UTC)
        episode = make_episode(owner or user, started_at=started, **fields)
        EpisodeSymptom.objects.bulk_create(
            EpisodeSymptom(episode=episode, symptom=symptom) for symptom in symptoms
        )
        return episode

    return add


@pytest.fixture
def prevention(user, make_checkin):
    """Check-ins with prevention on the given days: stretching and warm-ups in turn."""

    def add(days_ago: list[int], owner=None) -> None:
        for i, days in enumerate(days_ago):
            measure = {"stretched": True} if i % 2 == 0 else {"warmed_up": True}
            make_checkin(owner or user, date=ago(days), **measure)

    return add


# Warning symptoms, severe pain, long-lasting: any one episode ---------------------------


@pytest.mark.parametrize(
    ("symptom", "raised"),
    [(symptom, True) for symptom in WARNING] + [("soreness", False), ("uncontrolled_pain", False)],
)
def test_warning_symptoms_each_raise_the_flag(user, cramp, symptom, raised):
    episode = cramp(3, symptom)
    cramp(2)  # no symptoms: never behind this flag
    flag = flags.warning_symptoms(journal(user))
    if not raised:
        assert flag is None
        return
    check_flag(flag, FlagKind.WARNING_SYMPTOMS, [episode])
    assert dict(Symptom.choices)[symptom].lower() in flag.finding


def test_warning_symptoms_finding_names_every_symptom_logged(user, cramp):
    first = cramp(3, "weakness", "swelling")
    second = cramp(1, "redness", "soreness")
    flag = flags.warning_symptoms(journal(user))
    check_flag(flag, FlagKind.WARNING_SYMPTOMS, [first, second])
    assert flag.finding == (
        "2 episodes with muscle weakness, swelling and redness, from 27 June to 29 June 2026."
    )


@pytest.mark.parametrize(
    ("intensity", "symptoms", "raised"),
    [
        (7, (), False),  # just under
        (8, (), True),  # at
        (9, (), True),  # just over
        (10, (), True),
        (0, ("uncontrolled_pain",), True),  # uncontrolled pain at any intensity
        (7, ("soreness",), False),
    ],
)
def test_severe_pain(user, cramp, intensity, symptoms, raised):
    episode = cramp(4, *symptoms, intensity=intensity)
    cramp(2, intensity=5)
    flag = flags.severe_pain(journal(user))
    if raised:
        check_flag(flag, FlagKind.SEVERE_PAIN, [episode])
        assert f"the worst at {intensity}/10" in flag.finding
    else:
        assert flag is None


@pytest.mark.parametrize(
    ("seconds", "raised"),
    [(599, False), (600, False), (601, True), (None, False)],  # 10 minutes is not more than 10
)
def test_long_lasting(user, cramp, seconds, raised):
    episode = cramp(4, duration_seconds=seconds)
    cramp(2, duration_seconds=300)
    flag = flags.long_lasting(journal(user))
    if raised:
        check_flag(flag, FlagKind.LONG_LASTING, [episode])
    else:
        assert flag is None


# Windowed rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "raised"),
    [
        ([0, 3, 6], True),  # 3 within 7 days: at
        ([0, 6], False),  # 2: under
        ([0, 2, 4, 6], True),  # 4: over
        ([0, 3, 7], False),  # the same 3 spread over 8 days
        ([0, 6, 12, 18, 24, 29], True),  # 6 within 30 days, never 3 within 7: at
        ([0, 6, 12, 18, 24], False),  # 5: under
        ([0, 5, 10, 15, 20, 25, 29], True),  # 7: over
        ([0, 6, 12, 18, 24, 30], False),  # the same 6 spread over 31 days
    ],
)
def test_frequent(user, cramp, days_ago, raised):
    episodes = [cramp(days) for days in days_ago]
    flag = flags.frequent(journal(user))
    if raised:
        check_flag(flag, FlagKind.FREQUENT, episodes)
    else:
        assert flag is None


def test_frequent_shows_the_latest_window(user, cramp):
    for days in (60, 59, 58):
        cramp(days)
    latest = [cramp(days) for days in (20, 17, 14)]
    flag = flags.frequent(journal(user))
    check_flag(flag, FlagKind.FREQUENT, latest)
    assert flag.finding == "3 episodes from 10 June to 16 June 2026."


def test_a_newer_month_window_beats_an_older_week_window(user, cramp):
    for days in (80, 79, 78):  # 3 within 7 days, long ago
        cramp(days)
    recent = [cramp(days) for days in (25, 20, 15, 10, 5, 0)]  # 6 within 30 days, now
    flag = flags.frequent(journal(user))
    check_flag(flag, FlagKind.FREQUENT, recent)
    # Marked discussed, it comes back when the month window moves on with a new cramp.
    review = FlagReview(owner=user, kind="frequent", discussed_on=END, through_episode_id=0)
    review.through_episode_id = flag.newest_episode_id
    assert flags.apply_reviews([flag], [review]).active == []


@pytest.mark.parametrize(
    ("recent", "before", "raised"),
    [
        (6, 4, True),  # 1.5 times as many: at
        (5, 4, False),  # 1.25 times: under
        (7, 4, True),  # 1.75 times: over
        (4, 0, True),  # the minimum of 4: at
        (3, 0, False),  # under the minimum, although 3 against 0 is a rise
        (5, 0, True),
    ],
)
def test_rising(user, cramp, recent, before, raised):
    episodes = [cramp(4 * i) for i in range(recent)]  # within the last 28 days
    for i in range(before):  # within the 28 days before
        cramp(28 + 6 * i)
    flag = flags.rising(journal(user))
    if raised:
        check_flag(flag, FlagKind.RISING, episodes)
        assert flag.finding == (
            f"{recent} episodes in the last 28 days against {before} in the 28 days before."
        )
    else:
        assert flag is None


@pytest.mark.parametrize(
    ("recent", "before", "raised"),
    [
        # 27 days ago is the first day of the last 28; 56 days ago is before both windows.
        ([0, 9, 18, 27], [56, 57, 60], True),
        # 28 days ago is already the earlier window: 3 against 1.
        ([0, 9, 18, 28], [], False),
        # 55 days ago is the first day of the earlier window: 5 against 4.
        ([0, 6, 12, 18, 24], [28, 35, 45, 55], False),
    ],
)
def test_rising_window_edges(user, cramp, recent, before, raised):
    episodes = [cramp(days) for days in recent]
    for days in before:
        cramp(days)
    # A one-week period, as on the Patterns page: the rule still reads the 8 weeks behind it.
    flag = flags.rising(journal(user, period=Period(ago(6), END, UTC)))
    if raised:
        check_flag(flag, FlagKind.RISING, episodes)
    else:
        assert flag is None


@pytest.mark.parametrize(
    ("first_day", "raised"),
    [(ago(55), True), (ago(54), False), (None, False)],
)
def test_rising_needs_records_from_the_start_of_the_earlier_window(user, cramp, first_day, raised):
    episodes = [cramp(days) for days in (0, 7, 14, 21)]
    flag = flags.rising(journal(user, first_day=first_day))
    if raised:
        check_flag(flag, FlagKind.RISING, episodes)
    else:
        assert flag is None


@pytest.mark.parametrize(
    ("days_ago", "prevention_days", "counted"),
    [
        ([0, 4, 8, 12], FORTNIGHT, 14),  # 4 within 14 days after 14 prevention days: at
        ([0, 4, 8, 12], FORTNIGHT[1:], None),  # 13 prevention days: under
        ([0, 4, 8, 12], [*FORTNIGHT, 13], 15),  # 15: over
        ([0, 4, 8, 12], [*range(15, 27), 13, 27], 14),  # 27 days ago: the window's first day
        ([0, 4, 8, 12], [*range(15, 27), 13, 28], None),  # 28 days ago: outside it
        ([0, 4, 8], FORTNIGHT, None),  # 3 episodes: under
        ([0, 3, 6, 9, 12], FORTNIGHT, 14),  # 5 episodes: over
        ([0, 4, 8, 14], FORTNIGHT, None),  # 4 episodes spread over 15 days
        # The 14th prevention day 7 days ago: only 1 of the 4 cramps came after it.
        ([0, 8, 10, 12], list(range(7, 21)), None),
        ([2, 6, 10, 14], EVERY_OTHER, None),  # prevention after the last episode
    ],
)
def test_persisting(user, cramp, prevention, days_ago, prevention_days, counted):
    episodes = [cramp(days) for days in days_ago]
    prevention(prevention_days)
    flag = flags.persisting(journal(user))
    if counted is None:
        assert flag is None
        return
    check_flag(flag, FlagKind.PERSISTING, episodes)
    assert len(flag.days) == counted
    assert flag.finding.endswith(f"after prevention on {counted} of the 28 days.")


def test_persisting_counts_only_check_ins_with_prevention(user, cramp, prevention, make_checkin):
    for days in (0, 4, 8, 12):
        cramp(days)
    prevention(FORTNIGHT[1:])
    make_checkin(user, date=ago(14), stretched=False, warmed_up=False)
    make_checkin(user, date=ago(13), stretched=False, warmed_up=None)
    assert flags.persisting(journal(user)) is None


@pytest.mark.parametrize(
    ("nights", "raised"),
    [
        ([(0, 3), (13, 3)], True),  # 2 nights within 14 days: at
        ([(0, 3)], False),  # 1 night: under
        ([(1, 23), (0, 3)], False),  # 23:00 and 03:00 the next morning: one night
        ([(0, 3), (5, 3), (10, 3)], True),  # 3 nights: over
        ([(0, 3), (14, 3)], False),  # 14 days apart: a span of 15 days
    ],
)
def test_broken_sleep(user, cramp, nights, raised):
    episodes = [cramp(days, hour=hour, broke_sleep=True) for days, hour in nights]
    cramp(7, hour=3)  # a night cramp that did not break sleep
    flag = flags.broken_sleep(journal(user))
    if raised:
        check_flag(flag, FlagKind.BROKEN_SLEEP, episodes)
        assert flag.days == tuple(sorted(ago(days) for days, _ in nights))
    else:
        assert flag is None


def test_broken_sleep_needs_the_sleep_broken(user, cramp):
    cramp(0, hour=3, broke_sleep=True)
    cramp(3, hour=3, broke_sleep=False)
    assert flags.broken_sleep(journal(user)) is None


@pytest.mark.parametrize(
    ("kind", "started", "stopped", "raised"),
    [
        (MedicationKind.DIURETIC, 10, None, True),
        (MedicationKind.STATIN, None, None, True),
        (MedicationKind.STATIN, 5, None, True),  # started that day
        (MedicationKind.STATIN, 4, None, False),  # started the day after
        (MedicationKind.STATIN, 30, 5, True),  # stopped that day
        (MedicationKind.DIURETIC, 30, 6, False),  # stopped the day before
        (MedicationKind.BETA_AGONIST, None, None, False),
        (MedicationKind.CALCIUM_CHANNEL_BLOCKER, None, None, False),
        (MedicationKind.OTHER, None, None, False),
    ],
)
def test_medication(user, cramp, make_medication, kind, started, stopped, raised):
    make_medication(
        user,
        name="Medicine",
        kind=kind,
        started_on=None if started is None else ago(started),
        stopped_on=None if stopped is None else ago(stopped),
    )
    episode = cramp(5)
    flag = flags.medication(journal(user))
    if raised:
        check_flag(flag, FlagKind.MEDICATION, [episode])
        assert "while taking Medicine 20 mg" in flag.finding
    else:
        assert flag is None


def test_medication_flags_only_the_episodes_while_it_was_taken(user, cramp, make_medication):
    make_medication(user, kind=MedicationKind.DIURETIC, started_on=ago(40), stopped_on=ago(10))
    during = cramp(12)
    cramp(5)
    check_flag(flags.medication(journal(user)), FlagKind.MEDICATION, [during])


# Flags together --------------------------------------------------------------------------


def test_all_eight_rules_heaviest_first(user, cramp, prevention, make_medication):
    # The order of flags.WEIGHTS: broken sleep now comes before persisting.
    worst = cramp(0, "weakness", hour=3, broke_sleep=True, intensity=9, duration_seconds=700)
    woke = cramp(2, hour=3, broke_sleep=True)
    rest = [cramp(days) for days in (4, 6, 8, 12)]
    make_medication(user, started_on=ago(30))
    prevention(FORTNIGHT)
    everything = [worst, woke, *rest]
    expected = {
        FlagKind.WARNING_SYMPTOMS: [worst],
        FlagKind.SEVERE_PAIN: [worst],
        FlagKind.LONG_LASTING: [worst],
        FlagKind.FREQUENT: [worst, woke, *rest[:2]],  # the 7 days up to today
        FlagKind.RISING: everything,
        FlagKind.BROKEN_SLEEP: [worst, woke],
        FlagKind.PERSISTING: everything,
        FlagKind.MEDICATION: everything,
    }
    raised = flags.evaluate(journal(user))
    assert [flag.kind for flag in raised] == list(expected)
    assert [flag.level for flag in raised] == [Level.SOON] * 3 + [Level.NEXT_VISIT] * 5
    for flag in raised:
        check_flag(flag, flag.kind, expected[flag.kind])


def test_a_fresh_account_has_no_flags(user):
    assert flags.evaluate(journal(user)) == []
    now = flags.current(user, END, UTC, None)
    assert (now.active, now.discussed, now.history) == ([], [], [])


def test_every_kind_has_a_weight():
    assert set(flags.WEIGHTS) == set(FlagKind)


def test_more_episodes_weigh_more_between_kinds_of_one_weight(user, cramp):
    # Warning symptoms and severe pain weigh the same: the one with more episodes leads,
    # so one 8/10 cramp comes after swelling on three days.
    for days in (3, 5, 7):
        cramp(days, "swelling")
    cramp(1, intensity=8)
    assert [f.kind for f in flags.evaluate(journal(user))][:2] == [
        FlagKind.WARNING_SYMPTOMS,
        FlagKind.SEVERE_PAIN,
    ]
    cramp(2, intensity=9)
    cramp(4, intensity=8)
    cramp(6, intensity=10)
    # Now 4 severe against 3: severe pain leads.
    assert [f.kind for f in flags.evaluate(journal(user))][:2] == [
        FlagKind.SEVERE_PAIN,
        FlagKind.WARNING_SYMPTOMS,
    ]


def test_a_heavier_kind_leads_whatever_the_count(user, cramp):
    # One long cramp (weight 2) before six frequent ones (weight 3).
    cramp(1, duration_seconds=900)
    for days in (2, 3, 4, 5, 6):
        cramp(days)
    raised = [f.kind for f in flags.evaluate(journal(user))]
    assert raised[:2] == [FlagKind.LONG_LASTING, FlagKind.FREQUENT]


def test_a_flag_on_one_episode_says_so(user, cramp):
    cramp(3, intensity=8)
    (flag,) = flags.evaluate(journal(user))
    assert flag.on_one_episode == "This rests on one episode." == flags.ONE_EPISODE
    cramp(2, intensity=8)
    (flag,) = flags.evaluate(journal(user))
    assert flag.on_one_episode == ""


def test_folding_keeps_the_heaviest_out_and_counts_the_rest():
    assert flags.fold([]) is None
    alone = flags.fold(["a"])
    assert (alone.first, alone.rest) == ("a", [])
    folded = flags.fold(["a", "b", "c"])
    assert (folded.first, folded.rest) == ("a", ["b", "c"])
    assert folded.more == "2 more things worth discussing"
    assert flags.fold(["a", "b"]).more == "1 more thing worth discussing"


# Settings, local days and ownership -------------------------------------------------------


@pytest.mark.parametrize(("intensity", "raised"), [(8, False), (9, True)])
def test_severe_threshold_is_a_setting(user, cramp, settings, intensity, raised):
    settings.CRAMPJOURNAL_FLAGS = {"SEVERE_INTENSITY": 9}
    episode = cramp(3, intensity=intensity)
    flag = flags.severe_pain(journal(user))
    if raised:
        assert flag.episode_ids == (episode.pk,)
        assert flag.rule.startswith("Any episode at 9/10 or more")
    else:
        assert flag is None


@pytest.mark.parametrize(
    ("override", "days_ago", "raised"),
    [
        ({"FREQUENT_SHORT_EPISODES": 4}, [0, 3, 6], False),
        ({"FREQUENT_SHORT_EPISODES": 4}, [0, 2, 4, 6], True),
        ({"FREQUENT_SHORT_DAYS": 8}, [0, 3, 7], True),
    ],
)
def test_frequent_thresholds_are_settings(user, cramp, settings, override, days_ago, raised):
    settings.CRAMPJOURNAL_FLAGS = override
    episodes = [cramp(days) for days in days_ago]
    flag = flags.frequent(journal(user))
    if raised:
        assert sorted(flag.episode_ids) == sorted(e.pk for e in episodes)
        n, days = override.get("FREQUENT_SHORT_EPISODES", 3), override.get("FREQUENT_SHORT_DAYS", 7)
        assert flag.rule.startswith(f"{n} or more episodes within {days} days")
    else:
        assert flag is None


@pytest.mark.parametrize(
    ("starts", "raised"),
    [
        # 00:30 BST on 1 June is 23:30 UTC on 31 May: local days 1, 4 and 7 June.
        ([(1, 0, 30), (4, 12, 0), (7, 12, 0)], True),
        # 00:30 BST on 8 June is 23:30 UTC on 7 June: local days 1, 4 and 8 June.
        ([(1, 12, 0), (4, 12, 0), (8, 0, 30)], False),
    ],
)
def test_frequent_counts_local_days(user, make_episode, starts, raised):
    Profile.objects.filter(user=user).update(time_zone="Europe/London")
    episodes = [
        make_episode(user, started_at=dt.datetime(2026, 6, day, hour, minute, tzinfo=LONDON))
        for day, hour, minute in starts
    ]
    loaded = journal(user, period=Period(PERIOD.start, END, LONDON))
    assert loaded.dates == [dt.date(2026, 6, day) for day, _, _ in starts]
    flag = flags.frequent(loaded)
    if raised:
        check_flag(flag, FlagKind.FREQUENT, episodes)
    else:
        assert flag is None


def test_other_peoples_records_never_count(user, other_user, cramp, prevention, make_medication):
    # Mallory's journal raises every flag ...
    cramp(0, "weakness", owner=other_user, hour=3, broke_sleep=True, intensity=10)
    cramp(1, owner=other_user, hour=3, broke_sleep=True, duration_seconds=900)
    for days in (2, 3, 4, 6, 8, 12):
        cramp(days, owner=other_user)
    make_medication(other_user, kind=MedicationKind.DIURETIC)
    prevention(FORTNIGHT, owner=other_user)
    assert len(flags.evaluate(journal(other_user))) == 8
    # ... and none of it reaches Alice, whose own two cramps meet no rule.
    mine = [cramp(1, hour=3, broke_sleep=True), cramp(5)]
    assert flags.evaluate(journal(user)) == []
    # With a third cramp she has a flag of her own, behind her own episodes only, that
    # Mallory's "discussed" mark does not hide.
    mine.append(cramp(3))
    FlagReview.objects.create(
        owner=other_user, kind=FlagKind.FREQUENT, discussed_on=END, through_episode_id=10**12
    )
    now = flags.current(user, END, UTC, FIRST_DAY)
    assert [flag.kind for flag in now.active] == [FlagKind.FREQUENT]
    check_flag(now.active[0], FlagKind.FREQUENT, mine)
    assert (now.discussed, now.history) == ([], [])


# Reviews -------------------------------------------------------------------------------------


def _review(user, flag) -> FlagReview:
    return FlagReview.objects.create(
        owner=user, kind=flag.kind, discussed_on=END, through_episode_id=flag.newest_episode_id
    )


def _frequent(reviewed: flags.Reviewed) -> tuple[list[flags.Flag], list[FlagReview]]:
    """The frequent flag as shown (active) and as discussed, with its marks."""
    active = [flag for flag in reviewed.active if flag.kind == FlagKind.FREQUENT]
    discussed = [review for flag, review in reviewed.discussed if flag.kind == FlagKind.FREQUENT]
    return active, discussed


def test_a_discussed_flag_comes_back_when_newer_episodes_meet_its_rule(user, cramp):
    for days in (20, 18, 16):
        cramp(days)
    raised = flags.evaluate(journal(user))
    assert [flag.kind for flag in raised] == [FlagKind.FREQUENT]
    first = _review(user, raised[0])
    # A mark for another rule hides nothing here.
    FlagReview.objects.create(
        owner=user, kind=FlagKind.SEVERE_PAIN, discussed_on=END, through_episode_id=10**12
    )
    reviewed = flags.apply_reviews(raised, flags.reviews(user))
    assert reviewed.active == []
    assert reviewed.discussed == [(raised[0], first)]
    # A lone newer cramp does not meet the rule: still discussed.
    cramp(8)
    assert _frequent(flags.current(user, END, UTC, FIRST_DAY)) == ([], [first])
    # Two more make 3 within 7 days again: the flag is back, with the new episodes.
    again = [cramp(4), cramp(2)]
    active, discussed = _frequent(flags.current(user, END, UTC, FIRST_DAY))
    assert len(active) == 1 and discussed == []
    assert set(active[0].episode_ids) >= {e.pk for e in again}
    # Discussed a second time: hidden again, and the history keeps every mark.
    second = _review(user, active[0])
    reviewed = flags.current(user, END, UTC, FIRST_DAY)
    assert _frequent(reviewed) == ([], [second])
    assert [review.pk for review in reviewed.history if review.kind == FlagKind.FREQUENT] == [
        second.pk,
        first.pk,
    ]
    assert len(reviewed.history) == 3


# Queries ---------------------------------------------------------------------------------------


def _current_queries(user) -> tuple[int, flags.Reviewed]:
    with CaptureQueriesContext(connection) as queries:
        reviewed = flags.current(user, END, UTC, FIRST_DAY)
    return len(queries), reviewed


def test_current_flags_take_the_same_few_queries_whatever_the_journal_size(
    user, cramp, prevention, make_medication
):
    cramp(0, "weakness", "swelling", intensity=9)
    for days in range(1, 10):
        cramp(days)
    make_medication(user)
    prevention(FORTNIGHT)
    FlagReview.objects.create(
        owner=user, kind=FlagKind.MEDICATION, discussed_on=END, through_episode_id=1
    )
    few, small = _current_queries(user)
    # 4,990 more cramps, 25 minutes apart, back from noon today: all within the 90 days.
    noon = dt.datetime.combine(END, dt.time(12), tzinfo=dt.UTC)
    starts = (noon - dt.timedelta(minutes=25 * i) for i in range(10, 5000))
    Episode.objects.bulk_create(
        Episode(
            owner=user,
            started_at=at,
            body_region="calf",
            side="left",
            intensity=at.minute % 11,
            duration_seconds=60,
            **local_fields(at, UTC),
        )
        for at in starts
    )
    many, large = _current_queries(user)
    assert few == many <= 4
    # The flags were really worked out: rising drops out as the weeks before fill up.
    assert len(small.active) == 6 and len(large.active) == 5
    assert max(len(flag.episode_ids) for flag in large.active) > 4000
