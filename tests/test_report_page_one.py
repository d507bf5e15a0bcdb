"""Page 1 of the report: the calendar of the range and the trend with the medication
changes, in the HTML report and read back from page 1 of the PDF."""

import datetime as dt
import io
import re

import pypdf
from django.urls import reverse
from django.utils import timezone

from journal import palette
from journal.models import INTENSITY_MAX
from journal.reports import clinician, svg
from tests.test_report import _pdf_text


def _day(days_ago: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _journal(user, make_episode, make_checkin, make_medication) -> dict:
    days = {"bad": _day(10), "mild": _day(20), "free": _day(30)}
    make_episode(user, started_at=_at(days["bad"], 3), intensity=3)
    make_episode(user, started_at=_at(days["bad"], 4), intensity=8, broke_sleep=True)
    make_episode(user, started_at=_at(days["mild"], 15), intensity=1)
    make_checkin(user, date=days["free"])
    make_checkin(user, date=days["bad"])
    make_medication(user, name="Magnesium", started_on=_day(40), stopped_on=_day(5))
    return days


def test_the_calendar_shows_each_days_worst_and_what_kind_of_day(
    user, alice_client, make_episode, make_checkin, make_medication
):
    days = _journal(user, make_episode, make_checkin, make_medication)
    html = alice_client.get(reverse("report")).content.decode()
    glance = html[
        html.index('aria-labelledby="r-glance"') : html.index('aria-labelledby="r-summary"')
    ]
    worst = dict(re.findall(r'data-day="([\d-]+)" data-worst="(\d+)"', glance))
    assert worst == {str(days["bad"]): "8", str(days["mild"]): "1"}
    assert re.findall(r'data-broke-sleep="([\d-]+)"', glance) == [str(days["bad"])]
    period_days = alice_client.get(reverse("report")).context["period"].days
    text = (
        f"2 cramp days (sleep broken on 1), 1 checked in without a cramp, "
        f"{period_days - 3} with no record."
    )
    assert f'<p class="small mb-0" data-calendar-text>{text}</p>' in glance
    # The text alternative names the same, for a screen reader.
    assert f'aria-label="{clinician.CALENDAR_TITLE}. {text}"' in glance
    # The first part of the page, before the summary table.
    assert html.index("r-glance") < html.index("r-summary") < html.index("r-flags")


def test_the_trend_marks_each_medication_change(
    user, alice_client, make_episode, make_checkin, make_medication
):
    _journal(user, make_episode, make_checkin, make_medication)
    html = alice_client.get(reverse("report")).content.decode()
    glance = html[
        html.index('aria-labelledby="r-glance"') : html.index('aria-labelledby="r-summary"')
    ]
    changes = re.findall(r"<span data-medication-change>([^<]+)</span>", glance)
    started, stopped = (f"{d:%-d %b %Y}" for d in (_day(40), _day(5)))
    assert changes == [f"1: Magnesium started {started}", f"2: Magnesium stopped {stopped}"]
    assert glance.count('class="marker"') == 2
    assert re.findall(r'class="marker-number">(\d)</text>', glance) == ["1", "2"]
    # In date order on the chart: the start to the left of the stop.
    x = [float(v) for v in re.findall(r'<line x1="([\d.]+)"[^>]*class="marker"', glance)]
    assert x[0] < x[1]


def test_a_medicine_changed_outside_the_range_is_not_marked(user, alice_client, make_medication):
    make_medication(user, name="Old", started_on=_day(400), stopped_on=_day(300))
    html = alice_client.get(reverse("report")).content.decode()
    assert "data-medication-change" not in html and 'class="marker"' not in html


def test_page_one_of_the_pdf_holds_the_calendar_and_the_trend(
    user, alice_client, make_episode, make_checkin, make_medication
):
    _journal(user, make_episode, make_checkin, make_medication)
    response = alice_client.post(reverse("report_pdf"), {"range": "90d"})
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    first = " ".join(reader.pages[0].extract_text().split())
    assert "At a glance" in first
    assert clinician.CALENDAR_TITLE in first
    assert f"{_day(10):%b %Y}" in first
    assert "no record" in first and "checked in, no cramp" in first and "sleep broken" in first
    assert "2 cramp days (sleep broken on 1)" in first
    assert "Episodes per week" in first or "Episodes per day" in first
    assert f"1: Magnesium started {_day(40):%-d %b %Y}" in first
    assert "Summary" in first
    assert _pdf_text(response.content).count(clinician.CALENDAR_TITLE) == 1


def _luminance(hex_colour: str) -> float:
    def linear(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def test_the_shades_keep_their_order_in_greyscale_and_their_numbers_are_legible():
    shades = [_luminance(c) for c in palette.INTENSITY_STEPS]
    assert shades == sorted(shades, reverse=True) and len(set(shades)) == len(shades)
    for shade, text in zip(palette.INTENSITY_STEPS, palette.INTENSITY_TEXT, strict=True):
        light, dark = sorted((_luminance(shade), _luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (shade, text)
    # Every intensity from 1 to the top has a shade, and the worst the darkest.
    assert svg.intensity_step(1) == 0
    assert svg.intensity_step(INTENSITY_MAX) == len(palette.INTENSITY_STEPS) - 1
    assert svg.step_labels() == ["1–2", "3–4", "5–6", "7–8", "9–10"]


def test_a_long_range_shows_its_last_months(user, alice_client, make_episode):
    make_episode(user, started_at=timezone.now() - dt.timedelta(days=700))
    html = alice_client.post(reverse("report"), {"range": "all"}).content.decode()
    assert f"The calendar shows the range&#x27;s last {svg.CAL_MONTHS} months." in html
    glance = html[
        html.index('aria-labelledby="r-glance"') : html.index('aria-labelledby="r-summary"')
    ]
    rows = re.findall(r'text-anchor="end">([A-Z][a-z]{2} \d{4})</text>', glance)
    assert len(rows) == svg.CAL_MONTHS
