"""Flags and guidance where a person meets them: Patterns, the clinician page, the
episode just saved and the "Cramps explained" page."""

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import EpisodeSymptom, FlagReview
from journal.patterns import guidance, insights, stats
from journal.patterns.guidance import HAMSTRING_GUIDE, NOT_A_DIAGNOSIS, SPASMS_GUIDE

URGENT = "Symptoms that come on suddenly, are severe, or are getting worse need urgent care"


def _numb_episode(make_episode, owner, days_ago: float = 1, **fields):
    episode = make_episode(owner, started_at=timezone.now() - dt.timedelta(days=days_ago), **fields)
    EpisodeSymptom.objects.create(episode=episode, symptom="numbness")
    return episode


def test_a_fresh_account_has_no_flags(alice_client):
    patterns = alice_client.get(reverse("patterns"))
    assert patterns.context["flags"] == []
    assert b"data-flags" not in patterns.content
    page = alice_client.get(reverse("flags"))
    assert b"data-no-flags" in page.content
    assert URGENT.encode() in page.content


def test_patterns_shows_flags_first_most_urgent_first(user, alice_client, make_episode):
    for days_ago in (1, 2, 3):  # 3 within 7 days: frequent (discuss at next visit)
        make_episode(user, started_at=timezone.now() - dt.timedelta(days=days_ago))
    _numb_episode(make_episode, user, days_ago=10)  # warning symptom (see a clinician soon)
    response = alice_client.get(reverse("patterns"))
    assert [f.kind for f in response.context["flags"]] == ["warning_symptoms", "frequent"]
    html = response.content.decode()
    # At the top: before the headline numbers, with the urgent-care note.
    assert html.index("data-flags") < html.index('id="headline-title"')
    assert URGENT in html and NOT_A_DIAGNOSIS in html
    assert "Worth discussing with a clinician" in html


def _two_flags(make_episode, user) -> None:
    """Swelling on one day (the heavier flag, on one episode) and three cramps in a
    week (frequent)."""
    for days_ago in (1, 2, 3):
        make_episode(user, started_at=timezone.now() - dt.timedelta(days=days_ago))
    episode = make_episode(user, started_at=timezone.now() - dt.timedelta(days=10))
    EpisodeSymptom.objects.create(episode=episode, symptom="swelling")


def _shown_and_folded(html: str) -> tuple[list[str], list[str]]:
    """The flags' kinds before the fold and after it, in page order."""
    before, _, after = html.partition("data-flags-more")
    return re.findall(r'data-flag="(\w+)"', before), re.findall(r'data-flag="(\w+)"', after)


ONE_EPISODE = "This rests on one episode."


@pytest.mark.parametrize("page", ["patterns", "flags"])
def test_the_heaviest_flag_shows_and_the_rest_fold_under_it(user, alice_client, make_episode, page):
    _two_flags(make_episode, user)
    html = alice_client.get(reverse(page)).content.decode()
    assert _shown_and_folded(html) == (["warning_symptoms"], ["frequent"])
    # A <details> fold: it opens with a tap, with or without JavaScript.
    assert re.search(
        r'<details class="flags-more[^"]*" data-flags-more>\s*'
        r"<summary[^>]*>1 more thing worth discussing</summary>",
        html,
    )
    # The one-episode flag says so; the three-episode one does not.
    assert html.count(ONE_EPISODE) == 1
    assert html.index(ONE_EPISODE) < html.index("data-flags-more")


@pytest.mark.parametrize("page", ["patterns", "flags"])
def test_a_single_flag_has_nothing_to_fold(user, alice_client, make_episode, page):
    for days_ago in (1, 2, 3):
        make_episode(user, started_at=timezone.now() - dt.timedelta(days=days_ago))
    html = alice_client.get(reverse(page)).content.decode()
    assert _shown_and_folded(html) == (["frequent"], [])
    assert '<details class="flags-more' not in html and ONE_EPISODE not in html


def test_the_report_lists_every_flag_in_the_same_order_unfolded(user, alice_client, make_episode):
    _two_flags(make_episode, user)
    html = alice_client.post(reverse("report"), {"range": "30d"}).content.decode()
    assert re.findall(r'data-flag="(\w+)"', html) == ["warning_symptoms", "frequent"]
    assert "data-flags-more" not in html
    assert html.count(ONE_EPISODE) == 1


def test_the_clinician_page_gives_reason_rule_source_and_episodes(user, alice_client, make_episode):
    episode = _numb_episode(make_episode, user)
    html = alice_client.get(reverse("flags")).content.decode()
    assert "Cramps with other symptoms: worth discussing with a clinician" in html
    assert "1 episode with numbness or tingling" in html
    assert "Any episode logged with weakness, numbness or tingling" in html
    assert HAMSTRING_GUIDE.title in html and SPASMS_GUIDE.title in html
    assert reverse("episode_detail", args=[episode.pk]) in html
    # The guidance's full list of reasons and what to bring.
    assert "Cramps that stop you sleeping." in html
    assert "What to bring to the appointment" in html
    assert URGENT in html


def test_marking_discussed_hides_the_flag_until_a_new_episode_meets_the_rule(
    user, alice_client, make_episode
):
    first = _numb_episode(make_episode, user, days_ago=5)
    url = reverse("flag_discussed", args=["warning_symptoms"])
    assert alice_client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = alice_client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    review = FlagReview.objects.get(owner=user)
    assert review.through_episode_id == first.pk
    assert review.discussed_on == timezone.localdate()

    assert alice_client.get(reverse("patterns")).context["flags"] == []
    page = alice_client.get(reverse("flags"))
    assert page.context["active"] == []
    assert [flag.kind for flag, _ in page.context["discussed"]] == ["warning_symptoms"]
    assert b'data-history="warning_symptoms"' in page.content

    _numb_episode(make_episode, user, days_ago=1)
    assert [f.kind for f in alice_client.get(reverse("patterns")).context["flags"]] == [
        "warning_symptoms"
    ]
    # The history keeps the earlier mark.
    assert b'data-history="warning_symptoms"' in alice_client.get(reverse("flags")).content


def test_marking_a_flag_that_is_not_showing_changes_nothing(alice_client):
    response = alice_client.post(reverse("flag_discussed", args=["frequent"]), follow=True)
    assert "nothing to mark" in response.content.decode()
    assert not FlagReview.objects.exists()
    bad = alice_client.post(reverse("flag_discussed", args=["no-such-flag"]))
    assert bad.status_code == HTTPStatus.NOT_FOUND


def test_another_persons_records_raise_nothing_here(
    user, other_user, alice_client, client_for, make_episode
):
    _numb_episode(make_episode, other_user)
    assert alice_client.get(reverse("patterns")).context["flags"] == []
    # Marking needs one's own flag: mallory's mark does not touch alice.
    client_for(other_user).post(reverse("flag_discussed", args=["warning_symptoms"]))
    _numb_episode(make_episode, user)
    assert [f.kind for f in alice_client.get(reverse("patterns")).context["flags"]] == [
        "warning_symptoms"
    ]


def test_flag_pages_need_a_login(db):
    for url in (reverse("flags"), reverse("flag_discussed", args=["frequent"])):
        response = Client().post(url) if "discussed" in url else Client().get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("login"))


FULL = {
    "started_at": "2026-03-10T02:30",
    "body_region": "hamstring",
    "side": "left",
    "intensity": "5",
    "symptoms": ["numbness"],
}


def test_saving_an_episode_with_numbness_says_so_calmly_with_relief_steps(alice_client):
    response = alice_client.post(reverse("episode_create"), FULL, follow=True)
    html = response.content.decode()
    assert "You logged numbness or tingling with this cramp." in html
    assert "worth discussing with a clinician" in html and "not a diagnosis" in html
    # Relief steps for the region logged: a hamstring gets both stretch versions.
    assert "data-relief" in html
    assert "Sitting or lying down" in html and "Standing up" in html
    # Opened again later, the relief steps fold away; the note stays.
    again = alice_client.get(response.request["PATH_INFO"]).content.decode()
    assert "data-relief" not in again and "What helps during a cramp" in again
    assert "You logged numbness or tingling" in again


@pytest.mark.parametrize(
    "intensity,expected",
    [("7", None), ("8", "You logged pain at 8/10 with this cramp."), ("10", "pain at 10/10")],
)
def test_severe_pain_note_starts_at_8(alice_client, intensity, expected):
    data = FULL | {"intensity": intensity, "symptoms": [], "body_region": "calf"}
    html = alice_client.post(reverse("episode_create"), data, follow=True).content.decode()
    if expected:
        assert expected in html
    else:
        assert "data-concern" not in html
    # A calf gets the general stretch, not the hamstring versions.
    assert "Stretch it gently" in html and "Standing up" not in html


def test_quick_log_opens_on_the_relief_steps(alice_client):
    form = alice_client.get(reverse("quick_log")).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"body_region": "calf", "side": "left"}  # a first log has no place preset
    response = alice_client.post(reverse("quick_log"), data, follow=True)
    assert b"data-relief" in response.content


def test_cramps_explained_is_public_and_cites_both_documents(db):
    response = Client().get(reverse("explained"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for section in (
        "Triggers and causes",
        "Prevention",
        "Relief during a cramp",
        "When to get medical advice",
    ):
        assert section in html
    assert html.count(HAMSTRING_GUIDE.title) >= 4 and html.count(SPASMS_GUIDE.title) >= 3


def test_prevention_tips_lead_with_the_prescriber_when_a_statin_is_active(
    user, alice_client, make_medication
):
    make_medication(user, started_on=timezone.localdate() - dt.timedelta(days=30))
    tips = alice_client.get(reverse("patterns")).context["tips"]
    assert tips[0].advice.key == "prescriber"
    assert "Atorvastatin" in tips[0].why
    html = alice_client.get(reverse("patterns")).content.decode()
    assert "Do not stop or change a medicine on your own." in html


def test_without_medicines_the_prescriber_tip_is_left_out(alice_client):
    tips = alice_client.get(reverse("patterns")).context["tips"]
    assert "prescriber" not in [t.advice.key for t in tips]
    assert tips[0].advice.key == "fluids"


def test_messages_never_travel_in_a_cookie(alice_client):
    response = alice_client.post(reverse("episode_create"), FULL)
    assert "messages" not in response.cookies


def _days(**splits) -> stats.CheckedInDays:
    empty = stats.Split(0, 0, 0, 0)
    group = stats.DayGroup(0, {})
    names = ("fluid", "sleep", "vigorous", "no_warm_up", "stretched", "electrolytes")
    return stats.CheckedInDays(
        total=0, cramp=group, free=group, splits={n: splits.get(n, empty) for n in names}
    )


def test_tips_lead_with_what_the_records_point_to():
    summary = stats.Summary(episodes=20, activities={"sitting": 8, "exercising": 1})
    days = _days(fluid=stats.Split(10, 12, 20, 6))  # 1.2 a day on low days, 0.3 otherwise
    tips = guidance.prevention_tips(insights.evidence(summary, [], days, [], "ml"))
    assert [t.advice.key for t in tips[:2]] == ["fluids", "posture"]
    # 12 cramps in 10 low-fluid days against 6 in 20: four times the rate, beyond chance.
    assert tips[0].why.startswith(
        "About 4.0 times as many cramps a day on days with under 1.5 l of fluid (likely between "
    )
    assert tips[0].why.endswith("times; 10 days and 20 days).")
    assert tips[1].why == "8 of your 20 cramps began while sitting."
    # Below the minimum sample the fluid comparison leads nothing.
    thin = _days(fluid=stats.Split(4, 12, 20, 6))
    tips = guidance.prevention_tips(insights.evidence(summary, [], thin, [], "ml"))
    assert tips[0].advice.key == "posture"


def test_cramps_after_exercise_without_a_warm_up_lead_with_the_warm_up():
    summary = stats.Summary(episodes=10, activities={"after_exercise": 5})
    days = _days(no_warm_up=stats.Split(12, 18, 12, 4))
    tips = guidance.prevention_tips(insights.evidence(summary, [], days, [], "ml"))
    assert [t.advice.key for t in tips[:2]] == ["warm_up", "gradual"]
    assert tips[0].why.startswith(
        "About 4.5 times as many cramps a day on days when you exercised without warming up"
    )


def test_a_difference_that_could_be_chance_gives_a_tip_no_personal_reason():
    """9 cramps in 6 days without a warm-up against 3 in 6 with one: three times the
    rate, and still chance-sized (p = 0.15)."""
    summary = stats.Summary(episodes=10, activities={"after_exercise": 1})
    days = _days(no_warm_up=stats.Split(6, 9, 6, 3), fluid=stats.Split(6, 4, 6, 1))
    tips = guidance.prevention_tips(insights.evidence(summary, [], days, [], "ml"))
    assert all("cramps a day" not in t.why for t in tips)
