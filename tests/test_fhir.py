"""The journal as FHIR R4: every Bundle the app builds validates against HL7's models
(fhir.resources' R4B package, the R4-compatible one) and says what the journal says,
of its owner only."""

import datetime as dt
import json
import re
import zoneinfo
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from journal.models import AuditEvent, Episode, Medication, ShareLink
from journal.reports import fhir

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# FHIR's id: letters, digits, "-" and ".", at most 64 (fhir.resources does not check the length).
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def _valid(bundle: dict) -> dict:
    """The Bundle, once HL7's models accept it, with the checks they leave out."""
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert FHIR_ID.fullmatch(resource["id"]), resource["id"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    return bundle


def _of(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _component(observation: dict, text: str) -> dict:
    return next(c for c in observation["component"] if c["code"].get("text") == text)


def test_an_empty_journal_is_a_bundle_of_one_patient(user):
    bundle = _valid(fhir.build(user, PARIS))
    (patient,) = _of(bundle, "Patient")
    assert "name" not in patient
    assert len(bundle["entry"]) == 1


def test_a_year_of_the_demo_journal(db):
    call_command("seed_demo", "--username", "demo", "--password", "demo-pass-123")
    demo = get_user_model().objects.get(username="demo")
    bundle = _valid(fhir.build(demo, PARIS))
    assert len(_of(bundle, "Observation")) == Episode.objects.filter(owner=demo).count() > 100
    assert len(_of(bundle, "MedicationStatement")) == Medication.objects.filter(owner=demo).count()


def test_an_episode_with_every_field(user, make_full_episode):
    # 01:50 in Paris, ten minutes before the clocks go forward; 20 minutes later it is 03:10.
    started = dt.datetime(2026, 3, 29, 0, 50, tzinfo=dt.UTC)
    episode = make_full_episode(
        user, started_at=started, body_region="calf", side="left", duration_seconds=1200
    )
    bundle = _valid(fhir.build(user, PARIS, name="J. D.", include_notes=True))
    (patient,) = _of(bundle, "Patient")
    assert patient["name"] == [{"text": "J. D."}]
    (observation,) = _of(bundle, "Observation")
    assert observation["id"] == str(episode.uid)
    assert observation["status"] == "final"
    assert observation["category"][0]["coding"][0]["code"] == "survey"
    assert observation["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "55300003",
        "display": "Cramp (finding)",
    }
    assert observation["code"]["text"] == "Muscle cramp"
    subject = {"reference": f"urn:uuid:{patient['id']}"}
    assert observation["subject"] == subject and observation["performer"] == [subject]
    # The local time the person logged, with its offset, and the end from the duration.
    assert observation["effectivePeriod"] == {
        "start": "2026-03-29T01:50:00+01:00",
        "end": "2026-03-29T03:10:00+02:00",
    }
    site = observation["bodySite"]
    assert site["coding"][0]["code"] == "53840002" and site["text"] == "Calf, left"
    (laterality,) = site["extension"]
    assert laterality["url"] == fhir.LATERALITY_EXTENSION
    assert laterality["valueCodeableConcept"]["coding"][0]["code"] == "7771000"
    pain = next(c for c in observation["component"] if c["code"]["coding"][0]["code"] == "72514-3")
    assert pain["valueInteger"] == 7
    duration = _component(observation, "Duration")
    assert duration["valueQuantity"] == {
        "value": 1200,
        "unit": "s",
        "system": "http://unitsofmeasure.org",
        "code": "s",
    }
    assert _component(observation, fhir.BROKE_SLEEP_TEXT)["valueBoolean"] is True
    activity = _component(observation, fhir.ACTIVITY_TEXT)
    assert activity["valueCodeableConcept"] == {"text": "Asleep"}
    assert observation["note"] == [{"text": "Woke at 2:30, both calves."}]
    (statement,) = _of(bundle, "MedicationStatement")
    assert statement["medicationCodeableConcept"] == {"text": "Magnesium"}
    assert statement["dosage"] == [{"text": "20 mg"}]
    assert statement["category"] == {"text": "Statin"}
    assert statement["subject"] == subject


def test_notes_only_when_asked(user, make_episode):
    make_episode(user, notes="private thought")
    bundle = _valid(fhir.build(user, PARIS))
    assert "private thought" not in json.dumps(bundle)
    assert "note" not in _of(bundle, "Observation")[0]


def test_a_cramp_still_going(user, make_episode):
    make_episode(user, ongoing=True, duration_seconds=None, side="na", body_region="other")
    (observation,) = _of(_valid(fhir.build(user, PARIS)), "Observation")
    assert observation["status"] == "preliminary"
    assert set(observation["effectivePeriod"]) == {"start"}
    # "Other" has no body structure code, and no side: the text says so.
    assert observation["bodySite"] == {"text": "Other"}
    assert "Duration" not in json.dumps(observation["component"])


def test_each_side_and_region_is_coded(user, make_episode):
    for side in ("left", "right", "both"):
        make_episode(user, body_region="hamstring", side=side)
    codes = {
        o["bodySite"]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
        for o in _of(_valid(fhir.build(user, PARIS)), "Observation")
    }
    assert codes == {"7771000", "24028007", "51440002"}


def test_an_episode_with_no_duration_is_a_moment(user, make_episode):
    make_episode(user, duration_seconds=None)
    (observation,) = _of(_valid(fhir.build(user, PARIS)), "Observation")
    assert "effectivePeriod" not in observation and observation["effectiveDateTime"]


def test_medication_statuses_and_periods(user, make_medication):
    today = timezone.localdate(timezone=PARIS)
    make_medication(
        user, name="Old", started_on=today - dt.timedelta(90), stopped_on=today - dt.timedelta(30)
    )
    make_medication(user, name="Now", started_on=today - dt.timedelta(10))
    make_medication(user, name="Undated", dose="")
    statements = {
        s["medicationCodeableConcept"]["text"]: s
        for s in _of(_valid(fhir.build(user, PARIS)), "MedicationStatement")
    }
    assert statements["Old"]["status"] == "completed"
    assert statements["Old"]["effectivePeriod"] == {
        "start": (today - dt.timedelta(90)).isoformat(),
        "end": (today - dt.timedelta(30)).isoformat(),
    }
    assert statements["Now"]["status"] == "active"
    assert "effectivePeriod" not in statements["Undated"]
    assert "dosage" not in statements["Undated"]


def test_ids_are_stable_across_exports(user, make_episode, make_medication):
    make_episode(user)
    make_medication(user)
    first = [e["fullUrl"] for e in fhir.build(user, PARIS)["entry"]]
    second = [e["fullUrl"] for e in fhir.build(user, PARIS)["entry"]]
    assert first == second and len(set(first)) == 3


def test_nothing_of_another_account(user, other_user, make_episode, make_medication):
    make_episode(user, notes="mine")
    theirs = make_episode(other_user, notes="theirs", intensity=9)
    make_medication(other_user, name="Their medicine")
    bundle = _valid(fhir.build(user, PARIS, include_notes=True))
    text = json.dumps(bundle)
    assert str(theirs.uid) not in text and "theirs" not in text and "Their medicine" not in text
    assert len(_of(bundle, "Observation")) == 1


# The download --------------------------------------------------------------------------


def test_your_data_downloads_the_bundle(user, alice_client, make_episode):
    make_episode(user, notes="private thought")
    page = alice_client.get(reverse("export")).content.decode()
    assert "Download FHIR R4 (JSON)" in page
    response = alice_client.post(reverse("export_fhir"), {"name": "J. D."})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/fhir+json"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="crampjournal-fhir-r4-')
    bundle = _valid(json.loads(response.content))
    assert _of(bundle, "Patient")[0]["name"] == [{"text": "J. D."}]
    assert "private thought" not in response.content.decode()
    assert AuditEvent.objects.filter(user_id=user.pk, detail="fhir r4 json").exists()


def test_the_download_is_a_post_and_a_bad_name_keeps_the_page(user, alice_client):
    assert alice_client.get(reverse("export_fhir")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = alice_client.post(reverse("export_fhir"), {"name": "x" * 61})
    assert response.status_code == HTTPStatus.OK
    assert "text/html" in response["Content-Type"]
    assert "at most 60 characters" in response.content.decode()


def test_downloads_are_rate_limited(user, alice_client):
    from journal.reports.views.exports import EXPORT_LIMIT

    for _ in range(EXPORT_LIMIT):
        assert alice_client.post(reverse("export_fhir")).status_code == HTTPStatus.OK
    assert alice_client.post(reverse("export_fhir")).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_share_link_offers_fhir_only_when_ticked(user, alice_client, client, make_episode):
    now = timezone.now()
    inside = make_episode(user, started_at=now - dt.timedelta(days=3))
    outside = make_episode(user, started_at=now - dt.timedelta(days=200))
    for include in (False, True):
        form = {"range": "90d", "days": "7"} | ({"include_fhir": "on"} if include else {})
        page = alice_client.post(reverse("share_list"), form).content.decode()
        token_path = re.search(r"data-link-url>https?://[^<\s/]+(/s/[^</]+/)<", page).group(1)
        shared = client.get(token_path).content.decode()
        fhir_url = f"{token_path}fhir/"
        assert (fhir_url in shared) is include
        response = client.get(fhir_url)
        if not include:
            assert response.status_code == HTTPStatus.NOT_FOUND
            continue
        assert response.status_code == HTTPStatus.OK
        assert "no-store" in response["Cache-Control"]
        bundle = _valid(json.loads(response.content))
        ids = {o["id"] for o in _of(bundle, "Observation")}
        assert ids == {str(inside.uid)} and str(outside.uid) not in ids
    assert ShareLink.objects.filter(owner=user, include_fhir=True).count() == 1
