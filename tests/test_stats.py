"""Statistics checked against numbers worked out by hand from a small fixed journal.

The person lives in London; the period spans the spring DST change (29 March 2026), and
two cramps sit where the UTC date and the local date differ.
"""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journal.models import CheckIn, Episode, EpisodeRelief, EpisodeTrigger, Profile, local_fields
from journal.patterns import insights, page, stats

LONDON = zoneinfo.ZoneInfo("Europe/London")
PERIOD = stats.Period(dt.date(2026, 3, 23), dt.date(2026, 4, 5), LONDON)


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)


@pytest.fixture
def journal(user, other_user, make_episode):
    Profile.objects.filter(user=user).update(time_zone="Europe/London")
    e = {}
    e[1] = make_episode(
        user,
        started_at=local(2026, 3, 23, 2, 30),
        intensity=6,
        duration_seconds=60,
        activity="asleep",
        broke_sleep=True,
    )
    e[2] = make_episode(
        user, started_at=local(2026, 3, 23, 23, 30), intensity=5, duration_seconds=45
    )
    e[3] = make_episode(
        user, started_at=local(2026, 3, 24, 3, 0), intensity=8, duration_seconds=200, side="right"
    )
    # 00:30 GMT, just before the clocks go forward.
    e[4] = make_episode(
        user, started_at=local(2026, 3, 29, 0, 30), intensity=7, duration_seconds=700, side="both"
    )
    # 00:30 BST on the 30th is 23:30 UTC on the 29th: it belongs to the 30th.
    e[5] = make_episode(
        user, started_at=local(2026, 3, 30, 0, 30), intensity=2, duration_seconds=30
    )
    e[6] = make_episode(
        user,
        started_at=local(2026, 4, 2, 15, 0),
        intensity=4,
        duration_seconds=None,
        body_region="hamstring",
        side="right",
        activity="exercising",
    )
    # 00:30 BST on 6 April is still 5 April in UTC: outside the period all the same.
    make_episode(user, started_at=local(2026, 4, 6, 0, 30), intensity=10)
    # The period before: one short daytime cramp.
    make_episode(user, started_at=local(2026, 3, 20, 10, 0), intensity=3, duration_seconds=30)
    # Someone else's cramp in the same days never counts.
    make_episode(other_user, started_at=local(2026, 3, 25, 3, 0), intensity=9)
    for n in (1, 2):
        EpisodeTrigger.objects.create(episode=e[n], trigger="dehydration")
    EpisodeTrigger.objects.create(episode=e[6], trigger="fatigue")
    EpisodeRelief.objects.create(episode=e[1], measure="stretch", effect=2)
    EpisodeRelief.objects.create(episode=e[3], measure="stretch", effect=2)
    EpisodeRelief.objects.create(episode=e[6], measure="stretch", effect=1)
    EpisodeRelief.objects.create(episode=e[6], measure="massage", effect=0)
    fluids = {23: 1000, 24: 1200, 25: 2000, 26: 2500, 29: 1400, 30: 3000, 31: 2200}
    for day, fluid in fluids.items():
        CheckIn.objects.create(
            owner=user,
            date=dt.date(2026, 3, day),
            fluid_ml=fluid,
            sleep_hours=5 if day == 23 else 8,
        )
    CheckIn.objects.create(owner=other_user, date=dt.date(2026, 3, 25), fluid_ml=100)
    return user


def test_headline_numbers(journal):
    current, previous = stats.summaries(journal, PERIOD)
    assert current.episodes == 6
    assert current.per_week == 3.0
    assert current.night_episodes == 5 and current.night_share == pytest.approx(5 / 6)
    # Nights of the 23rd, 24th (23:30 and 03:00 are one night), 29th and 30th.
    assert current.cramp_nights == 4
    assert current.avg_intensity == pytest.approx(32 / 6)
    assert current.worst_intensity == 8
    assert current.median_duration == 60
    assert current.longest_duration == 700
    assert current.long_episodes == 1 and current.timed == 5 and current.broke_sleep == 1
    assert current.durations == {
        "under 30 s": 0,
        "30–59 s": 2,
        "1–2 min": 1,
        "2–5 min": 1,
        "5–10 min": 0,
        "over 10 min": 1,
        "not recorded": 1,
    }
    assert current.activities["asleep"] == 1 and current.activities["exercising"] == 1
    assert current.activities[""] == 4
    assert (previous.episodes, previous.per_week, previous.median_duration) == (1, 0.5, 30)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(journal):
    Episode.objects.filter(owner=journal, duration_seconds=None).update(duration_seconds=100)
    current, _ = stats.summaries(journal, PERIOD)
    assert current.median_duration == 80  # [30, 45, 60, 100, 200, 700]


def test_weeks_are_local_and_start_on_monday(journal):
    assert stats.over_time(journal, PERIOD, "week") == [
        {
            "start": dt.date(2026, 3, 23),
            "episodes": 4,
            "intensity": pytest.approx(6.5),
            "days": 7,
            "length": 7,
        },
        {
            "start": dt.date(2026, 3, 30),
            "episodes": 2,
            "intensity": pytest.approx(3.0),
            "days": 7,
            "length": 7,
        },
    ]


def test_weeks_cut_by_the_period_say_how_many_days_they_cover(journal):
    # Wednesday 25 March to Wednesday 1 April: 5 days of the first week, 3 of the second.
    period = stats.Period(dt.date(2026, 3, 25), dt.date(2026, 4, 1), LONDON)
    weeks = stats.over_time(journal, period, "week")
    assert [(w["start"], w["episodes"], w["days"]) for w in weeks] == [
        (dt.date(2026, 3, 23), 1, 5),
        (dt.date(2026, 3, 30), 1, 3),
    ]


@pytest.mark.parametrize(
    ("days", "bucket", "points"),
    [(8, "day", 8), (62, "day", 62), (63, "week", 10), (549, "week", 80), (550, "month", 19)],
)
def test_the_bucket_follows_the_length_of_the_range(db, days, bucket, points):
    end = dt.date(2026, 11, 30)
    period = stats.Period(end - dt.timedelta(days=days - 1), end, LONDON)
    assert stats.bucket_for(period) == bucket
    series = stats.over_time(get_user_model()(pk=0), period)
    assert len(series) == points
    assert sum(row["days"] for row in series) == days


def test_ten_years_draw_about_120_months_with_the_cut_ones_marked(journal):
    period = stats.Period(dt.date(2016, 12, 15), dt.date(2026, 12, 10), LONDON)
    months = stats.over_time(journal, period)
    assert len(months) == 121
    assert (months[0]["start"], months[0]["days"], months[0]["length"]) == (
        dt.date(2016, 12, 1),
        17,
        31,
    )
    assert (months[-1]["days"], months[-1]["length"]) == (10, 31)
    table = page.build(journal, period, "ml", stats.first_day(journal), period.end)["tables"]
    assert table["over_time"]["columns"][0] == "Month of"
    assert table["over_time"]["rows"][0][0] == "2016-12-01 (17 of 31 days)"
    assert sum(m["episodes"] for m in months) == stats.episodes_in(journal, period).count()


def test_a_short_range_is_drawn_day_by_day(journal):
    period = stats.Period(dt.date(2026, 3, 25), dt.date(2026, 4, 1), LONDON)
    table = page.build(journal, period, "ml", stats.first_day(journal), period.end)["tables"]
    assert table["over_time"]["columns"][0] == "Day"
    assert [row[0] for row in table["over_time"]["rows"]][:2] == ["2026-03-25", "2026-03-26"]


def test_first_day_counts_check_ins_as_records(journal):
    assert stats.first_day(journal) == dt.date(2026, 3, 20)  # the cramp before the period
    CheckIn.objects.create(owner=journal, date=dt.date(2026, 1, 5), fluid_ml=2000)
    assert stats.first_day(journal) == dt.date(2026, 1, 5)


def test_headlines_say_no_records_when_nothing_came_before(journal):
    def before(period: stats.Period) -> dict[str, str]:
        content = page.build(journal, period, "ml", stats.first_day(journal), period.end)
        return {h.label: h.previous for h in content["headlines"]}

    assert before(PERIOD)["Episodes"] == "1"
    # From the first record on, the days before hold no records, not zero cramps.
    from_first = stats.Period(dt.date(2026, 3, 20), PERIOD.end, LONDON)
    assert set(before(from_first).values()) == {"no records"}


def test_hours_are_local_across_the_dst_change(journal):
    counts = stats.where_and_when(journal, PERIOD).hours
    assert counts[0] == 2  # 00:30 GMT and 00:30 BST, although their UTC hours are 0 and 23
    assert counts[23] == 1 and counts[2] == 1 and counts[3] == 1 and counts[15] == 1
    assert sum(counts) == 6


def test_regions_and_sides(journal):
    rows = stats.where_and_when(journal, PERIOD).regions
    assert [(r["region"], r["total"]) for r in rows] == [("hamstring", 1), ("calf", 5)]
    calf = rows[1]["sides"]
    assert (calf["left"], calf["right"], calf["both"], calf["na"]) == (3, 1, 1, 0)


def test_triggers_and_relief(journal):
    assert [(t["trigger"], t["n"]) for t in stats.triggers(journal, PERIOD)] == [
        ("dehydration", 2),
        ("fatigue", 1),
    ]
    relief = {r["measure"]: r for r in stats.reliefs(journal, PERIOD)}
    assert relief["stretch"]["tried"] == 3 and relief["stretch"]["helped"] == 3
    assert float(relief["stretch"]["average"]) == pytest.approx(5 / 3)
    assert relief["massage"]["tried"] == 1 and float(relief["massage"]["average"]) == 0


def test_cramp_days_are_local_days(journal):
    days = stats.checked_in_days(journal, PERIOD)
    # Checked-in days with cramps: the 23rd (2), 24th, 29th (00:30 GMT) and 30th (00:30
    # BST); without: the 25th, 26th and 31st. The other user's day never counts.
    assert (days.total, days.cramp.days, days.free.days) == (7, 4, 3)
    stretched = days.splits["stretched"]
    assert (stretched.without_days, stretched.without_cramps) == (7, 5)


def test_cramp_days_against_cramp_free_days(journal):
    days = stats.checked_in_days(journal, PERIOD)
    assert days.cramp.measures["fluid_ml"] == stats.Mean(pytest.approx(1650), 4)
    assert days.free.measures["fluid_ml"] == stats.Mean(pytest.approx(6700 / 3), 3)
    assert days.cramp.measures["sleep_hours"] == stats.Mean(pytest.approx(29 / 4), 4)
    assert days.free.measures["exercise_minutes"] == stats.Mean(None, 0)


def test_days_split_by_fluid(journal):
    fluid = stats.checked_in_days(journal, PERIOD).splits["fluid"]
    # Under 1.5 l: the 23rd, 24th and 29th, with 2 + 1 + 1 cramps; the rest: 1 cramp.
    assert fluid == stats.Split(with_days=3, with_cramps=4, without_days=4, without_cramps=1)


def test_insight_says_not_enough_data_below_the_minimum(journal):
    fluid = insights.day_insights(stats.checked_in_days(journal, PERIOD), "ml")[0]
    assert not fluid.enough
    assert fluid.text.startswith("Fluid: not enough data yet")
    assert "(with under 1.5 l of fluid: 3; with 1.5 l or more: 4)" in fluid.text


def test_insight_gives_rates_and_samples_once_there_is_enough(journal, settings):
    settings.CRAMPJOURNAL_STATS = {"INSIGHT_MIN_DAYS": 3}
    days = stats.checked_in_days(journal, PERIOD)
    fluid = insights.day_insights(days, "ml")[0]
    assert fluid.enough
    # 4 cramps in 3 days against 1 in 4: five times the rate, and still chance-sized.
    # 1 in 4 is 0.25 a day, said as such (formatting.ratio), not rounded to "0.2".
    assert fluid.text == (
        "1.3 against 0.25 cramps a day on days with under 1.5 l of fluid and with 1.5 l or "
        "more; with 3 and 4 days this could be chance."
    )
    in_ounces = insights.day_insights(days, "floz")[0]
    assert "under 50.7 fl oz of fluid" in in_ounces.text


def test_a_threshold_setting_moves_the_split(journal, settings):
    settings.CRAMPJOURNAL_STATS = {"LOW_FLUID_ML": 2100}
    fluid = stats.checked_in_days(journal, PERIOD).splits["fluid"]
    # Now the 25th (2,000 ml, no cramp) is a low-fluid day too.
    assert (fluid.with_days, fluid.with_cramps, fluid.without_days) == (4, 4, 3)


def test_relief_insight_needs_enough_tries(journal, settings):
    current, _ = stats.summaries(journal, PERIOD)
    reliefs = stats.reliefs(journal, PERIOD)
    texts = [i.text for i in insights.pattern_insights(current, [], reliefs)]
    assert any(t.startswith("What helps: not enough data yet") for t in texts)
    settings.CRAMPJOURNAL_STATS = {"INSIGHT_MIN_TRIES": 3}
    texts = [i.text for i in insights.pattern_insights(current, [], reliefs)]
    assert "What helped most: stretch, which helped in 3 of 3 tries." in texts


def test_a_new_account_has_empty_charts_and_no_numbers(user):
    content = page.build(user, PERIOD, "ml", stats.first_day(user), PERIOD.end)
    assert all(chart["empty"] for chart in content["charts"].values())
    assert {h.label: h.value for h in content["headlines"]}["Median duration"] == "—"
    assert all(not i.enough for i in content["insights"])


def _patterns_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/patterns/", {"range": "all"}).status_code == 200
    return len(queries)


def test_patterns_query_count_does_not_grow_with_the_data(
    user, alice_client, make_episode, django_assert_max_num_queries
):
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    for hours in range(10):
        make_episode(user, started_at=start + dt.timedelta(hours=hours * 7))
    few = _patterns_queries(alice_client)
    Episode.objects.bulk_create(
        Episode(
            owner=user,
            started_at=start + dt.timedelta(hours=7 * i),
            body_region="calf",
            side="left",
            intensity=i % 11,
            duration_seconds=1 + i % 900,
            **local_fields(start + dt.timedelta(hours=7 * i), dt.UTC),
        )
        for i in range(10, 5000)
    )
    CheckIn.objects.bulk_create(
        CheckIn(owner=user, date=dt.date(2022, 1, 1) + dt.timedelta(days=i), fluid_ml=2000)
        for i in range(1800)
    )
    with django_assert_max_num_queries(15):
        many = _patterns_queries(alice_client)
    assert many == few


def test_changing_time_zone_moves_cramps_to_their_new_local_days(journal, alice_client):
    episode = Episode.objects.get(owner=journal, started_at=local(2026, 3, 30, 0, 30))
    assert (episode.local_date, episode.local_hour) == (dt.date(2026, 3, 30), 0)
    response = alice_client.post(
        "/profile/", {"time_zone": "America/New_York", "fluid_unit": "ml", "colour_mode": "system"}
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    # 23:30 UTC on 29 March is 19:30 in New York, the evening of the 29th.
    assert (episode.local_date, episode.local_hour) == (dt.date(2026, 3, 29), 19)
    assert episode.night_of == dt.date(2026, 3, 30)


def test_editing_the_start_moves_the_local_day(journal):
    episode = Episode.objects.get(owner=journal, started_at=local(2026, 3, 23, 2, 30))
    episode.started_at = local(2026, 3, 25, 22, 15)
    episode.save(update_fields=["started_at"])
    episode.refresh_from_db()
    assert (episode.local_date, episode.local_hour) == (dt.date(2026, 3, 25), 22)
    assert episode.night_of == dt.date(2026, 3, 26)
