"""One home per number and per sentence: a threshold moved in settings changes every
page, the report and the PDF that show it; a duration reads one way everywhere; the
guidance is cited by its title, never by its file name."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from http import HTTPStatus

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from journal.patterns import thresholds
from journal.patterns.guidance import DOCUMENTS
from journal.patterns.thresholds import THRESHOLDS

# Each threshold moved to a value the journal below still meets, with the words its
# rule must then say (on the flags page, in the report and in the PDF).
MOVED = {
    "LOOKBACK_DAYS": (60, "of the last 60 days"),
    "SEVERE_INTENSITY": (7, "Any episode at 7/10 or more"),
    "LONG_SECONDS": (300, "Any episode lasting more than 5 min."),
    "FREQUENT_SHORT_EPISODES": (2, "2 or more episodes within 7 days"),
    "FREQUENT_SHORT_DAYS": (5, "3 or more episodes within 5 days"),
    "FREQUENT_LONG_EPISODES": (5, "or 5 or more within 30 days"),
    "FREQUENT_LONG_DAYS": (20, "or 6 or more within 20 days"),
    "PERSIST_EPISODES": (3, "3 or more episodes within 14 days, all after prevention"),
    "PERSIST_DAYS": (10, "4 or more episodes within 10 days, all after prevention"),
    "PREVENTION_DAYS": (10, "on at least 10 of the 28 days"),
    "PREVENTION_WINDOW_DAYS": (21, "on at least 14 of the 21 days"),
    "SLEEP_NIGHTS": (3, "on 3 or more nights within 14 days"),
    "SLEEP_DAYS": (10, "on 2 or more nights within 10 days"),
    "RISING_DAYS": (21, "in the last 21 days, and 1.5 times or more as many as in the 21 days"),
    "RISING_RATIO": (2, "and 2 times or more as many"),
    "RISING_MIN_EPISODES": (3, "At least 3 episodes in the last 28 days"),
}
# Thresholds whose reason a flag prints beside its rule ("Threshold: ...").
EXPLAINED = set(MOVED) - {"LOOKBACK_DAYS"}
HOUR = dt.timedelta(hours=1)


def test_every_threshold_has_a_moved_case():
    assert set(MOVED) == set(THRESHOLDS)


@pytest.fixture
def every_flag(user, make_episode, make_checkin):
    """A journal that raises every threshold-bearing flag, at the defaults and moved."""
    now = timezone.now()
    make_episode(user, started_at=now - dt.timedelta(days=80))  # the first record
    make_episode(user, started_at=now - dt.timedelta(days=35))  # the weeks before
    for days in range(6):
        make_episode(
            user,
            started_at=now - dt.timedelta(days=days) - HOUR,
            intensity=8 if days == 0 else 5,
            duration_seconds=700 if days == 0 else 90,
            broke_sleep=days in (1, 2, 3),
        )
    for days in range(40):
        make_checkin(user, date=timezone.localdate() - dt.timedelta(days=days), stretched=True)


def _words(text: str) -> str:
    """Text with its whitespace runs made single spaces, as a PDF's lines are joined."""
    return " ".join(text.split())


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return _words(" ".join(page.extract_text() for page in reader.pages))


def _html_text(response) -> str:
    return _words(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.parametrize("name", sorted(MOVED))
def test_a_moved_threshold_says_the_same_on_every_page(name, settings, every_flag, alice_client):
    value, rule_words = MOVED[name]
    settings.CRAMPJOURNAL_FLAGS = {name: value}
    flags_page = _html_text(alice_client.get(reverse("flags")))
    assert rule_words in flags_page
    readers = [flags_page]
    if name != "LOOKBACK_DAYS":  # the report reads the period chosen, not the lookback
        report = _html_text(alice_client.get(reverse("report")))
        pdf = alice_client.post(reverse("report_pdf"), {"range": "90d"})
        assert pdf.status_code == HTTPStatus.OK
        readers += [report, _pdf_text(pdf.content)]
        for text in readers[1:]:
            assert rule_words in text
    if name in EXPLAINED:
        moved = (
            f"Set for this installation: {thresholds.shown(name)} "
            f"(CrampJournal's default: {thresholds.shown(name, THRESHOLDS[name][0])})"
        )
        for text in readers:
            assert moved in text


def test_at_the_defaults_no_rule_claims_to_be_moved(every_flag, alice_client):
    assert "Set for this installation" not in _html_text(alice_client.get(reverse("flags")))


def test_the_long_cramp_threshold_drives_flag_chart_and_report(
    settings, user, alice_client, make_episode
):
    settings.CRAMPJOURNAL_FLAGS = {"LONG_SECONDS": 300}
    make_episode(user, duration_seconds=6 * 60)
    flags_page = _html_text(alice_client.get(reverse("flags")))
    assert "Cramps lasting longer than usual" in flags_page
    assert "the longest 6 min" in flags_page
    duration_chart = alice_client.get(reverse("patterns")).context["charts"]["duration"]
    assert duration_chart["labels"][-2:] == ["over 5 min", "not recorded"]
    assert duration_chart["counts"][-2] == 1
    report = _html_text(alice_client.get(reverse("report")))
    assert "Lasting over 5 min 1 of 1 timed" in report
    pdf = _pdf_text(alice_client.post(reverse("report_pdf"), {"range": "90d"}).content)
    assert "Lasting over 5 min 1 of 1 timed" in pdf


def test_a_long_cramp_reads_the_same_everywhere(user, alice_client, make_episode):
    episode = make_episode(user, duration_seconds=75 * 60)
    detail = _html_text(alice_client.get(reverse("episode_detail", args=[episode.pk])))
    patterns = alice_client.get(reverse("patterns"))
    report = _html_text(alice_client.get(reverse("report")))
    pdf = _pdf_text(alice_client.post(reverse("report_pdf"), {"range": "90d"}).content)
    assert "1 h 15 min" in detail
    assert {h.label: h.value for h in patterns.context["headlines"]}["Longest"] == "1 h 15 min"
    assert "Longest 1 h 15 min" in report and "Longest 1 h 15 min" in pdf
    for text in (detail, _html_text(patterns), report, pdf):
        assert "75 min" not in text


def test_no_page_report_or_pdf_shows_a_guidance_file_name(every_flag, user, alice_client):
    pages = [
        reverse(name)
        for name in (
            "home",
            "patterns",
            "flags",
            "explained",
            "report",
            "timer_start",
            "medication_list",
        )
    ]
    texts = [alice_client.get(url).content.decode() for url in pages]
    texts.append(_pdf_text(alice_client.post(reverse("report_pdf"), {"range": "90d"}).content))
    for document in DOCUMENTS:
        assert all(document.key not in text for text in texts)
        assert document.key.split("_")[1].split(".")[0] not in " ".join(texts)
    cited = " ".join(texts)
    for document in DOCUMENTS:
        assert document.title in cited
    assert "Physical Therapy Oregon" in cited
