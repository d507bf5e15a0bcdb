"""The patterns page: the range picker drives every number; only one's own data shows."""

import datetime as dt
import json
import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal import palette


def _headline(response, label: str) -> str:
    return {h.label: h.value for h in response.context["headlines"]}[label]


def _chart_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="chart-data" type="application/json">') + 48
    return json.loads(html[start : html.index("</script>", start)])


def _json_script(html: str, element_id: str):
    opening = f'<script id="{element_id}" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get(reverse("patterns"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_the_range_drives_every_number(user, alice_client, make_episode):
    now = timezone.now()
    make_episode(user, started_at=now - dt.timedelta(days=3))
    make_episode(user, started_at=now - dt.timedelta(days=60))
    make_episode(user, started_at=now - dt.timedelta(days=200))
    url = reverse("patterns")
    assert _headline(alice_client.get(url, {"range": "30d"}), "Episodes") == "1"
    default = alice_client.get(url)
    assert _headline(default, "Episodes") == "2"  # the last 90 days
    assert default.context["period"].days == 90
    assert _headline(alice_client.get(url, {"range": "12m"}), "Episodes") == "3"
    everything = alice_client.get(url, {"range": "all"})
    assert _headline(everything, "Episodes") == "3"
    assert sum(_chart_data(everything)["over_time"]["episodes"]) == 3


def test_custom_dates(user, alice_client, make_episode):
    make_episode(user, started_at=dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC))
    make_episode(user, started_at=dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC))
    response = alice_client.get(
        reverse("patterns"), {"range": "custom", "start": "2026-02-01", "end": "2026-02-28"}
    )
    assert _headline(response, "Episodes") == "1"
    assert response.context["period"].days == 28
    assert response.context["previous"].end == dt.date(2026, 1, 31)


@pytest.mark.parametrize(
    "query,field,message",
    [
        ({"range": "custom", "start": "2026-03-01"}, "end", "Choose the last day."),
        (
            {"range": "custom", "start": "2026-03-01", "end": "2026-02-01"},
            "end",
            "before the first",
        ),
        ({"range": "custom", "start": "1800-01-01", "end": "2026-02-01"}, "start", "1900 and 2100"),
        ({"range": "century"}, "range", "valid choice"),
    ],
)
def test_a_bad_range_explains_itself_and_shows_the_default(alice_client, query, field, message):
    response = alice_client.get(reverse("patterns"), query)
    assert response.status_code == HTTPStatus.OK
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["period"].days == 90


def test_another_persons_cramps_never_show(user, other_user, client_for, make_episode):
    make_episode(other_user, started_at=timezone.now() - dt.timedelta(days=1), intensity=10)
    response = client_for(user).get(reverse("patterns"), {"range": "all"})
    assert _headline(response, "Episodes") == "0"
    assert all(chart["empty"] for chart in _chart_data(response).values())


def test_empty_account_gets_guidance_not_blank_charts(alice_client):
    html = alice_client.get(reverse("patterns")).content.decode()
    assert "<canvas" not in html
    assert html.count("data-empty=") == 10  # every chart, and the body map
    assert "Daily check-ins on days with and without cramps" in html


def test_charts_have_text_alternatives(user, alice_client, make_episode):
    make_episode(user, started_at=timezone.now() - dt.timedelta(hours=2), body_region="neck")
    html = alice_client.get(reverse("patterns")).content.decode()
    assert 'role="img"' in html and "aria-label=" in html
    assert "Show as table" in html and '<th scope="row">Neck</th>' in html
    assert "<script>" not in html  # data in json_script only; no inline code


def test_the_charts_and_the_reports_svg_share_one_palette(user, alice_client, make_episode):
    """journal.palette is the one home of the chart colours: the Patterns page hands it to
    its scripts, which write no colour of their own, and the report's SVG is drawn in it."""
    make_episode(user, started_at=timezone.now() - dt.timedelta(hours=2))
    page = alice_client.get(reverse("patterns")).content.decode()
    assert _json_script(page, "chart-palette") == palette.PALETTE

    report = alice_client.get(reverse("report")).content.decode()
    svg = "".join(re.findall(r'<svg [^>]*class="report-chart".*?</svg>', report, flags=re.S))
    assert svg.count("<svg ") == 3
    assert set(re.findall(r'<rect [^>]*fill="([^"]+)"', svg)) == {palette.PALETTE["blue"]}
    assert set(re.findall(r'stroke="([^"]+)"', svg)) == {palette.PALETTE["axis"]}
    # The body map is drawn in the palette too: the Patterns page's blue on its own grey.
    body = "".join(re.findall(r'<svg [^>]*class="body-map".*?</svg>', report, flags=re.S))
    assert body.count("<svg ") == 1
    # ("none": the seat's line, drawn for shape only.)
    assert set(re.findall(r'fill="([^"]+)"', body)) == {
        palette.BODY,
        palette.BLUE,
        palette.EDGE,
        palette.TEXT,
        "none",
    }
    assert set(re.findall(r'stroke="([^"]+)"', body)) == {palette.BODY_EDGE}

    scripts = sorted((settings.BASE_DIR / "static" / "js" / "charts").glob("*.js"))
    assert scripts
    colour = re.compile(r"#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?)\(", flags=re.I)
    for script in scripts:
        assert colour.findall(script.read_text()) == [], script.name
