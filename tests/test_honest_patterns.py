"""Honest patterns on the pages: the three kinds of sentence, the tips' reasons, the
arrows against the period before and the report, each following the comparison's test
(journal.patterns.compare). User UTC; noon episodes on check-in days."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from journal import formatting
from journal.patterns import compare, insights

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _journal(user, make_checkin, make_episode, low: tuple[int, int], high: tuple[int, int]):
    """``low`` = (days under 1.5 l, cramps on them), ``high`` likewise for 2 l days, on
    consecutive days ending yesterday; cramps spread one a day from the first day."""
    day = TODAY - dt.timedelta(days=1)
    for (days, cramps), fluid in ((low, 1000), (high, 2000)):
        for n in range(days):
            make_checkin(user, date=day, fluid_ml=fluid)
            for _ in range(cramps // days + (1 if n < cramps % days else 0)):
                noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
                make_episode(user, started_at=noon)
            day -= dt.timedelta(days=1)


def _fluid(response) -> str:
    return next(i.text for i in response.context["insights"] if i.topic == "Fluid")


def _fluid_tip(response):
    return next(t for t in response.context["tips"] if t.advice.key == "fluids")


def test_a_real_difference_is_named_with_its_interval_and_leads_the_tips(
    user, alice_client, make_checkin, make_episode
):
    _journal(user, make_checkin, make_episode, low=(30, 36), high=(30, 6))
    response = alice_client.get(reverse("patterns"))
    text = _fluid(response)
    assert re.fullmatch(
        r"About 6\.0 times as many cramps a day on days with under 1\.5 l of fluid "
        r"\(likely between \d+\.\d and \d+\.\d times; 30 days and 30 days\)\.",
        text,
    ), text
    tip = _fluid_tip(response)
    assert tip.why == text
    assert response.context["tips"][0] == tip
    # The chart's table gives the numbers.
    row = response.context["tables"]["comparisons"]["rows"][0]
    assert row[:4] == ["Fluid", "1.2 / 0.2", "30 / 30", "6.0"]
    assert row[5].startswith("about 6.0 times as many (likely between ")


def test_noise_could_be_chance_and_gives_the_tip_no_personal_reason(
    user, alice_client, make_checkin, make_episode
):
    _journal(user, make_checkin, make_episode, low=(19, 10), high=(21, 6))
    response = alice_client.get(reverse("patterns"))
    # Rates are worded as the table gives them (one formatter): "0.5 against 0.3" beside
    # a table saying "0.53 / 0.29" disagreed with it.
    assert _fluid(response) == (
        "0.53 against 0.29 cramps a day on days with under 1.5 l of fluid and with 1.5 l or "
        "more; with 19 and 21 days this could be chance."
    )
    assert response.context["tables"]["comparisons"]["rows"][0][1] == "0.53 / 0.29"
    assert "cramps a day" not in _fluid_tip(response).why
    assert response.context["tables"]["comparisons"]["rows"][0][5] == "could be chance"


def test_below_the_minimum_it_is_not_enough_data_yet(
    user, alice_client, make_checkin, make_episode
):
    _journal(user, make_checkin, make_episode, low=(4, 8), high=(30, 0))
    response = alice_client.get(reverse("patterns"))
    assert _fluid(response).startswith("Fluid: not enough data yet.")
    assert response.context["tables"]["comparisons"]["rows"][0][5] == "not enough data yet"


def _spread(user, make_episode, days_ago: range, per_day: int = 1) -> None:
    for ago in days_ago:
        start = dt.datetime.combine(TODAY - dt.timedelta(days=ago), dt.time(12), tzinfo=dt.UTC)
        for _ in range(per_day):
            make_episode(user, started_at=start)


def _headline(response, label: str):
    return next(h for h in response.context["headlines"] if h.label == label)


def test_the_arrow_shows_only_a_change_beyond_chance(user, alice_client, make_episode):
    # 30-day range: 4 cramps now against 3 in the 30 days before (and a record before
    # that, so the period before is covered).
    _spread(user, make_episode, range(1, 5))
    _spread(user, make_episode, range(31, 34))
    _spread(user, make_episode, range(70, 71))
    response = alice_client.get(reverse("patterns"), {"range": "30d"})
    assert _headline(response, "Episodes").direction == "same"
    assert ", about the same" in response.content.decode()
    # Averages and extremes carry no arrow.
    assert _headline(response, "Average intensity").direction == ""


def test_many_more_cramps_than_before_get_the_arrow_up(user, alice_client, make_episode):
    _spread(user, make_episode, range(1, 29), per_day=2)
    _spread(user, make_episode, range(31, 34))
    _spread(user, make_episode, range(70, 71))
    response = alice_client.get(reverse("patterns"), {"range": "30d"})
    assert _headline(response, "Episodes").direction == "up"
    assert _headline(response, "Episodes per week").direction == "up"
    report = alice_client.post(reverse("report"), {"range": "30d"}).content.decode()
    assert '<td data-change="Episodes">higher, beyond chance</td>' in report


def test_the_report_says_whether_a_medicine_start_changed_anything(
    user, alice_client, make_episode, make_medication
):
    make_medication(user, started_on=TODAY - dt.timedelta(days=30))
    _spread(user, make_episode, range(31, 61))  # one a day in the 30 days before
    _spread(user, make_episode, range(1, 3))  # two in the 30 days after
    html = alice_client.post(reverse("report"), {"range": "12m"}).content.decode()
    assert re.search(
        r"30 / 2: about 0\.067 times as many \(likely between 0\.\d+ and 0\.\d+ times\)", html
    )


# Numbers said plainly: every ratio and rate is rounded once, from its exact value, by
# formatting.ratio, whichever page, table or report line shows it.


@pytest.mark.parametrize(
    "value,shown",
    [
        (3.848, "3.8"),  # rounded to 3.85 first, it read "3.9"
        (1.049, "1.0"),  # rounded to 1.05 first, it read "1.1"
        (2.25, "2.3"),  # a half rounds up (Python's round() and format() say "2.2")
        (1.95, "2.0"),  # the half as written, though the float is 1.9499... ("1.9")
        (0.95, "0.95"),  # under 1: two significant figures
        (0.125, "0.13"),
        (0.0666, "0.067"),
        (0.1, "0.1"),
        (0.995, "1.0"),  # rounds up into the one-decimal form
        (0, "0"),
        (6, "6.0"),
    ],
)
def test_a_ratio_is_rounded_once_half_up(value, shown):
    assert formatting.ratio(value) == shown


def test_an_exact_half_is_computed_exactly():
    # 19 cramps in 10 days against 4 in 10: 4.75 times as many, so "4.8"; computed by
    # way of the share of cramps it was 4.749999999999999 and read "4.7".
    c = compare.compare(19, 10, 4, 10)
    assert c.ratio == 4.75
    assert insights.times_cell(c) == "4.8"


def test_the_table_says_the_sentences_numbers(user, alice_client, make_checkin, make_episode):
    # 15 cramps in 13 low-fluid days against 3 in 10 others: 3.846 times as many. The
    # table rounded it to 3.85 and then to "3.9", beside a sentence saying "3.8".
    _journal(user, make_checkin, make_episode, low=(13, 15), high=(10, 3))
    response = alice_client.get(reverse("patterns"))
    text = _fluid(response)
    match = re.fullmatch(
        r"About (\S+) times as many cramps a day on days with under 1\.5 l of fluid "
        r"\(likely between (\S+) and (\S+) times; 13 days and 10 days\)\.",
        text,
    )
    assert match, text
    assert match[1] == "3.8"
    row = response.context["tables"]["comparisons"]["rows"][0]
    assert row[1:5] == ["1.2 / 0.3", "13 / 10", "3.8", f"{match[2]} and {match[3]}"]
    assert row[5] == f"about 3.8 times as many (likely between {match[2]} and {match[3]} times)"
    # The chart's tooltip says the same words (the numbers only place its marks).
    chart = response.context["charts"]["comparisons"]
    assert chart["times"][0] == "3.8"
    assert chart["between"][0] == f"{match[2]} and {match[3]}"
    html = response.content.decode()
    assert "<td>3.8</td>" in html and "<td>3.9</td>" not in html


def test_factors_not_compared_say_so_not_no_upper_end(
    user, alice_client, make_checkin, make_episode
):
    _journal(user, make_checkin, make_episode, low=(13, 15), high=(10, 3))
    response = alice_client.get(reverse("patterns"))
    rows = {row[0]: row for row in response.context["tables"]["comparisons"]["rows"]}
    # Only fluid was checked in: sleep, exercise and the rest were not tested.
    for topic in ("Sleep", "Hard exercise", "Warm-up", "Stretching", "Electrolytes"):
        assert rows[topic][3:6] == ["not compared yet", "—", "not enough data yet"], rows[topic]
    assert "no upper end" not in response.content.decode()


def test_no_upper_end_only_where_an_interval_was_computed_without_one(
    user, alice_client, make_checkin, make_episode
):
    # Cramps on low-fluid days only: the ratio has no number and the interval no upper end.
    _journal(user, make_checkin, make_episode, low=(12, 12), high=(12, 0))
    response = alice_client.get(reverse("patterns"))
    row = response.context["tables"]["comparisons"]["rows"][0]
    assert row[3] == "none on the other days"
    assert re.fullmatch(r"\d+\.\d and no upper end", row[4]), row[4]
    assert _fluid(response).startswith("Cramps only on days with under 1.5 l of fluid")
