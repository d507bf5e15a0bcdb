"""The journal as a FHIR R4 Bundle (type "collection"), for a personal health record.

One Patient (named only when the person gives a name), one Observation per episode and
one MedicationStatement per medicine on the list. Every code the Bundle uses is in CODES
or BODY_SITES below, each with where it was checked (docs/fhir.md says why each was
chosen). Ids are stable: an episode's is its uid, a medicine's and the Patient's are
derived from the account, so a system that receives a second export updates the
resources it already has instead of adding copies.

Plain dicts here; tests/test_fhir.py validates what this builds with fhir.resources'
R4B models.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from journal.models import BodyRegion, Episode, Medication, Side
from journal.patterns.stats import Period, episodes_in

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# HL7's extension for the side of a body site on Observation.bodySite (FHIR Extensions
# Pack, observation-structureLaterality).
LATERALITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/observation-structureLaterality"

# The namespace of the ids made from an account's rows (uuid5): fixed, so the same row
# gets the same id in every export.
ID_NAMESPACE = uuid.UUID("5b0c2e43-8a51-4f5e-9a1d-3c7e0f2b6d14")

SNOMED_BROWSER = "SNOMED International browser (browser.ihtsdotools.org)"
DICOM_PS3_16 = "DICOM PS3.16, Annex L (body part codes, SNOMED CT)"


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str
    source: str

    def coding(self) -> dict:
        return {"system": self.system, "code": self.code, "display": self.display}


CODES = {
    "cramp": Code(
        SNOMED,
        "55300003",
        "Cramp (finding)",
        f"HL7 Symptoms IG (hl7.fhir.uv.symptoms), common symptom codes; {SNOMED_BROWSER}",
    ),
    "survey": Code(CATEGORY, "survey", "Survey", "FHIR R4 observation-category code system"),
    "pain": Code(
        LOINC,
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        "LOINC 72514-3 (loinc.org)",
    ),
    "duration": Code(SNOMED, "103335007", "Duration (attribute)", DICOM_PS3_16),
    "left": Code(SNOMED, "7771000", "Left (qualifier value)", "FHIR bodystructure-laterality"),
    "right": Code(SNOMED, "24028007", "Right (qualifier value)", "FHIR bodystructure-laterality"),
    "both": Code(
        SNOMED, "51440002", "Right and left (qualifier value)", "FHIR bodystructure-laterality"
    ),
}
# Broken sleep and the activity at onset have no code that fits a diary's yes/no and
# list; they go as text, which every receiving system shows.
BROKE_SLEEP_TEXT = "Woke from sleep, or sleep broken"
ACTIVITY_TEXT = "Activity at onset"

# SNOMED CT body structures. Where SNOMED CT has no concept as narrow as the region
# (upper back), the nearest wider one is used and the text says the region.
BODY_SITES = {
    BodyRegion.HAMSTRING: Code(
        SNOMED, "128511007", "Posterior muscle of thigh structure", "SNOMED CT (NCI EVS)"
    ),
    BodyRegion.CALF: Code(SNOMED, "53840002", "Structure of calf of leg", DICOM_PS3_16),
    BodyRegion.QUADRICEPS: Code(
        SNOMED, "21989003", "Structure of quadriceps femoris muscle", "SNOMED CT (NCI EVS)"
    ),
    BodyRegion.FOOT: Code(SNOMED, "56459004", "Foot structure", DICOM_PS3_16),
    BodyRegion.HAND: Code(SNOMED, "85562004", "Hand structure", DICOM_PS3_16),
    BodyRegion.FOREARM: Code(SNOMED, "14975008", "Forearm structure", DICOM_PS3_16),
    BodyRegion.UPPER_ARM: Code(SNOMED, "40983000", "Upper arm structure", DICOM_PS3_16),
    BodyRegion.NECK: Code(SNOMED, "45048000", "Neck structure", DICOM_PS3_16),
    BodyRegion.SHOULDER: Code(SNOMED, "16982005", "Shoulder region structure", DICOM_PS3_16),
    BodyRegion.UPPER_BACK: Code(SNOMED, "77568009", "Back structure, excluding neck", DICOM_PS3_16),
    BodyRegion.LOWER_BACK: Code(SNOMED, "52612000", "Lumbar region back structure", DICOM_PS3_16),
    BodyRegion.ABDOMEN: Code(SNOMED, "113345001", "Abdominal structure", DICOM_PS3_16),
    BodyRegion.CHEST_WALL: Code(SNOMED, "78904004", "Chest wall structure", DICOM_PS3_16),
}
LATERALITY = {Side.LEFT: CODES["left"], Side.RIGHT: CODES["right"], Side.BOTH: CODES["both"]}


def _id(kind: str, key: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def build(
    user: AbstractBaseUser,
    zone: ZoneInfo,
    *,
    period: Period | None = None,
    name: str = "",
    include_notes: bool = False,
) -> dict:
    """The Bundle: the whole journal, or the episodes of ``period`` (a share link's)."""
    patient = {"resourceType": "Patient", "id": _id("patient", user.pk)}
    if name:
        patient["name"] = [{"text": name}]
    subject = {"reference": f"urn:uuid:{patient['id']}"}
    episodes = (episodes_in(user, period) if period else Episode.objects.for_user(user)).order_by(
        "started_at", "pk"
    )
    if not include_notes:
        episodes = episodes.defer("notes")
    today = timezone.localdate(timezone=zone)
    entries = [_entry(patient)]
    entries += [_entry(observation(e, subject, zone, include_notes)) for e in episodes.iterator()]
    entries += [
        _entry(medication_statement(m, subject, today))
        for m in Medication.objects.for_user(user).order_by("started_on", "name", "pk")
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().astimezone(zone).isoformat(timespec="seconds"),
        "entry": entries,
    }


def _when(moment: dt.datetime, zone: ZoneInfo) -> str:
    """A dateTime in the person's zone, with its offset: the local time they logged."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def body_site(episode: Episode) -> dict:
    text = episode.get_body_region_display()
    if episode.side in LATERALITY:
        text = f"{episode.get_body_region_display()}, {episode.get_side_display().lower()}"
    site: dict = {"text": text}
    if episode.body_region in BODY_SITES:
        site["coding"] = [BODY_SITES[BodyRegion(episode.body_region)].coding()]
    if episode.side in LATERALITY:
        site["extension"] = [
            {
                "url": LATERALITY_EXTENSION,
                "valueCodeableConcept": {
                    "coding": [LATERALITY[Side(episode.side)].coding()],
                    "text": episode.get_side_display(),
                },
            }
        ]
    return site


def observation(episode: Episode, subject: dict, zone: ZoneInfo, include_notes: bool) -> dict:
    """One episode. A cramp still going is "preliminary", with a period not yet ended."""
    resource: dict = {
        "resourceType": "Observation",
        "id": str(episode.uid),
        "status": "preliminary" if episode.ongoing else "final",
        "category": [{"coding": [CODES["survey"].coding()], "text": "Patient-reported"}],
        "code": {"coding": [CODES["cramp"].coding()], "text": "Muscle cramp"},
        "subject": subject,
        "performer": [subject],
        "bodySite": body_site(episode),
    }
    start = _when(episode.started_at, zone)
    if episode.duration_seconds is not None:
        end = episode.started_at + dt.timedelta(seconds=episode.duration_seconds)
        resource["effectivePeriod"] = {"start": start, "end": _when(end, zone)}
    elif episode.ongoing:
        resource["effectivePeriod"] = {"start": start}
    else:
        resource["effectiveDateTime"] = start
    components = [
        {
            "code": {"coding": [CODES["pain"].coding()], "text": "Pain severity 0-10"},
            "valueInteger": episode.intensity,
        }
    ]
    if episode.duration_seconds is not None:
        components.append(
            {
                "code": {"coding": [CODES["duration"].coding()], "text": "Duration"},
                "valueQuantity": {
                    "value": episode.duration_seconds,
                    "unit": "s",
                    "system": UCUM,
                    "code": "s",
                },
            }
        )
    components.append({"code": {"text": BROKE_SLEEP_TEXT}, "valueBoolean": episode.broke_sleep})
    if episode.activity:
        components.append(
            {
                "code": {"text": ACTIVITY_TEXT},
                "valueCodeableConcept": {"text": episode.get_activity_display()},
            }
        )
    resource["component"] = components
    if include_notes and episode.notes:
        resource["note"] = [{"text": episode.notes}]
    return resource


def medication_statement(medication: Medication, subject: dict, today: dt.date) -> dict:
    """One medicine on the list: what, since and until when, the dose and kind as text."""
    if medication.stopped_on and medication.stopped_on < today:
        status = "completed"
    elif medication.started_on and medication.started_on > today:
        status = "intended"
    else:
        status = "active"
    resource: dict = {
        "resourceType": "MedicationStatement",
        "id": _id("medication", medication.pk),
        "status": status,
        "category": {"text": medication.get_kind_display()},
        "medicationCodeableConcept": {"text": medication.name},
        "subject": subject,
        "informationSource": subject,
    }
    effective = {}
    if medication.started_on:
        effective["start"] = medication.started_on.isoformat()
    if medication.stopped_on:
        effective["end"] = medication.stopped_on.isoformat()
    if effective:
        resource["effectivePeriod"] = effective
    if medication.dose:
        resource["dosage"] = [{"text": medication.dose}]
    return resource
