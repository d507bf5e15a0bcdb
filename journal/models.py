"""The cramp journal: episodes, the person's medications, daily check-ins and profile.

One module for every model of the one Django app, so the tables, their constraints and
their migrations read in one place; that is why it runs past 400 lines.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from journal.timezones import validate_time_zone
from journal.units import MAX_FLUID_ML

# The 0-10 pain scale of every episode: the model constraint, the forms, the slider, the
# CSV import and every "7/10" read these two.
INTENSITY_MIN = 0
INTENSITY_MAX = 10
MAX_DURATION_SECONDS = 24 * 60 * 60
MAX_EXERCISE_MINUTES = 24 * 60
# Free notes (episodes, check-ins): about two pages of text, far past what anyone types
# at 3 a.m., and a bound on what one row costs the report's PDF (issue 13, finding 5).
# Read by the forms, the CSV import and the tests.
MAX_NOTE_LENGTH = 5_000
# Medicines on one person's list; real lists hold a few dozen at most. Bounds the
# report's medicines table and the flag rules that compare every cramp with every one.
MAX_MEDICATIONS = 100
LOCAL_FIELDS = ("local_date", "local_hour", "night_of")


class FluidUnit(models.TextChoices):
    ML = "ml", "Millilitres (ml)"
    FL_OZ = "floz", "US fluid ounces (fl oz)"


class ColourMode(models.TextChoices):
    """Light or dark pages (templates/base.html); "system" follows the phone's setting."""

    SYSTEM = "system", "The same as my phone or computer"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class BodyRegion(models.TextChoices):
    HAMSTRING = "hamstring", "Hamstring (back of thigh)"
    CALF = "calf", "Calf"
    QUADRICEPS = "quadriceps", "Quadriceps (front of thigh)"
    FOOT = "foot", "Foot / toes"
    HAND = "hand", "Hand / fingers"
    FOREARM = "forearm", "Forearm"
    UPPER_ARM = "upper_arm", "Upper arm"
    NECK = "neck", "Neck"
    SHOULDER = "shoulder", "Shoulder"
    UPPER_BACK = "upper_back", "Upper back"
    LOWER_BACK = "lower_back", "Lower back"
    ABDOMEN = "abdomen", "Abdomen"
    CHEST_WALL = "chest_wall", "Chest wall"
    OTHER = "other", "Other"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"
    NOT_APPLICABLE = "na", "Not applicable"


class Activity(models.TextChoices):
    ASLEEP = "asleep", "Asleep"
    RESTING = "resting", "Resting"
    SITTING = "sitting", "Sitting"
    STANDING = "standing", "Standing / walking"
    EXERCISING = "exercising", "Exercising"
    AFTER_EXERCISE = "after_exercise", "After exercise"
    OTHER = "other", "Other"


class ExerciseIntensity(models.TextChoices):
    LIGHT = "light", "Light"
    MODERATE = "moderate", "Moderate"
    VIGOROUS = "vigorous", "Vigorous"


class Trigger(models.TextChoices):
    HEAVY_SWEATING = "heavy_sweating", "Heavy sweating"
    DEHYDRATION = "dehydration", "Dehydration"
    FATIGUE = "fatigue", "Fatigue / overuse"
    SITTING = "sitting", "Long sitting / poor posture"
    STRESS = "stress", "Stress"
    POOR_SLEEP = "poor_sleep", "Poor sleep"
    HEAT = "heat", "Heat"
    PRIOR_INJURY = "prior_injury", "Prior injury"
    DIET = "diet", "Missed meals / diet"
    NEW_MEDICATION = "new_medication", "New medication"
    OTHER = "other", "Other"


class Symptom(models.TextChoices):
    WEAKNESS = "weakness", "Muscle weakness"
    NUMBNESS = "numbness", "Numbness or tingling"
    SWELLING = "swelling", "Swelling"
    REDNESS = "redness", "Redness"
    SKIN_CHANGES = "skin_changes", "Skin changes"
    UNCONTROLLED_PAIN = "uncontrolled_pain", "Pain that could not be controlled"
    SORENESS = "soreness", "Soreness afterwards"


class ReliefMeasure(models.TextChoices):
    STRETCH = "stretch", "Stretch"
    MASSAGE = "massage", "Massage / foam roller"
    HEAT = "heat", "Heat"
    ICE = "ice", "Ice"
    WALKING = "walking", "Walking it off"
    ELECTROLYTE = "electrolyte", "Electrolyte drink"
    MEDICATION = "medication", "Medication"
    OTHER = "other", "Other"


class ReliefEffect(models.IntegerChoices):
    # Integers so that "how well it helped on average" is a plain AVG in the database.
    NONE = 0, "Did not help"
    SOME = 1, "Helped some"
    A_LOT = 2, "Helped a lot"


class MedicationKind(models.TextChoices):
    DIURETIC = "diuretic", "Diuretic (water pill)"
    STATIN = "statin", "Statin"
    BETA_AGONIST = "beta_agonist", "Beta-agonist inhaler"
    CALCIUM_CHANNEL_BLOCKER = "ccb", "Calcium-channel blocker"
    OTHER = "other", "Other"


def _choices_check(field: str, choices: type[models.Choices], name: str, blank: bool = False):
    allowed = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(condition=Q(**{f"{field}__in": allowed}), name=name)


# Shifting by 12 hours makes 23:30 on Monday and 02:00 on Tuesday the same night.
NIGHT_SHIFT = dt.timedelta(hours=12)


def local_fields(started_at: dt.datetime, zone: dt.tzinfo) -> dict:
    """An episode's local day, hour and night in ``zone``: what charts group by."""
    local = started_at.astimezone(zone)
    return {
        "local_date": local.date(),
        "local_hour": local.hour,
        "night_of": (local + NIGHT_SHIFT).date(),
    }


def owner_zone(owner_id: int) -> ZoneInfo:
    name = Profile.objects.filter(user_id=owner_id).values_list("time_zone", flat=True).first()
    return ZoneInfo(name or "UTC")


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user) -> OwnedQuerySet:
        """Only the rows this person owns: the one way views reach journal data."""
        return self.filter(owner=user)


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    fluid_unit = models.CharField(max_length=4, choices=FluidUnit.choices, default=FluidUnit.ML)
    # The address the person proved they read (journal.accounts.addresses). It is
    # confirmed while it equals user.email, so changing the address unconfirms it.
    confirmed_email = models.EmailField(blank=True)
    colour_mode = models.CharField(
        "Colours", max_length=6, choices=ColourMode.choices, default=ColourMode.SYSTEM
    )

    class Meta:
        constraints = [
            _choices_check("fluid_unit", FluidUnit, "profile_fluid_unit_valid"),
            _choices_check("colour_mode", ColourMode, "profile_colour_mode_valid"),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if getattr(self, "_saved_time_zone", self.time_zone) != self.time_zone:
            Episode.objects.for_user(self.user).recompute_local_fields(ZoneInfo(self.time_zone))
        self._saved_time_zone = self.time_zone

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_time_zone = instance.time_zone
        return instance


class MedicationQuerySet(OwnedQuerySet):
    def active_on(self, day: dt.date) -> MedicationQuerySet:
        """Medications being taken on a local date: started by then and not yet stopped."""
        return self.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=day),
            Q(stopped_on__isnull=True) | Q(stopped_on__gte=day),
        )


class Medication(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medications"
    )
    name = models.CharField(max_length=100)
    dose = models.CharField(max_length=100, blank=True, help_text="For example 20 mg once a day.")
    kind = models.CharField(max_length=20, choices=MedicationKind.choices)
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(
        null=True, blank=True, help_text="Leave empty while you are still taking it."
    )

    objects = MedicationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(stopped_on__isnull=True)
                | Q(stopped_on__gte=models.F("started_on")),
                name="medication_stop_not_before_start",
            ),
            _choices_check("kind", MedicationKind, "medication_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.dose}".strip()

    def is_active_on(self, day: dt.date) -> bool:
        started = self.started_on is None or self.started_on <= day
        not_stopped = self.stopped_on is None or self.stopped_on >= day
        return started and not_stopped


class EpisodeQuerySet(OwnedQuerySet):
    def recompute_local_fields(self, zone: ZoneInfo) -> None:
        """Re-derive local day, hour and night after the person's time zone changed."""
        episodes = list(self.only("pk", "started_at"))
        for episode in episodes:
            for name, value in local_fields(episode.started_at, zone).items():
                setattr(episode, name, value)
        self.model.objects.bulk_update(
            episodes, ["local_date", "local_hour", "night_of"], batch_size=500
        )


class Episode(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="episodes"
    )
    # A stable id that survives export and import (unique per person, so the same
    # export can be imported into a second account).
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField()
    # Null with ongoing=False means the person did not say how long it lasted.
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    ongoing = models.BooleanField(default=False)
    body_region = models.CharField(max_length=20, choices=BodyRegion.choices)
    side = models.CharField(max_length=5, choices=Side.choices)
    intensity = models.PositiveSmallIntegerField()
    activity = models.CharField(max_length=20, choices=Activity.choices, blank=True)
    broke_sleep = models.BooleanField(default=False)
    fluid_ml = models.PositiveIntegerField(null=True, blank=True)
    electrolyte_drink = models.BooleanField(null=True, blank=True)
    exercise_type = models.CharField(max_length=100, blank=True)
    exercise_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    exercise_intensity = models.CharField(
        max_length=10, choices=ExerciseIntensity.choices, blank=True
    )
    heavy_sweating = models.BooleanField(null=True, blank=True)
    medications_taken = models.ManyToManyField(
        Medication, blank=True, related_name="episodes_taken_for"
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived from started_at in the owner's time zone by save() (and again when the
    # zone changes), so statistics group by local day and hour in plain SQL rather than
    # converting every row's time zone on every request.
    local_date = models.DateField(editable=False)
    local_hour = models.PositiveSmallIntegerField(editable=False)
    night_of = models.DateField(editable=False)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            # The episode list and its filters: WHERE owner = ? ORDER BY started_at.
            models.Index(fields=["owner", "started_at"], name="episode_owner_started"),
            # The median duration: read in duration order with an offset, from the index
            # alone (no sort of every episode; local_date filters the span inside it).
            models.Index(
                fields=["owner", "duration_seconds", "local_date"], name="episode_owner_duration"
            ),
            # Every statistic: WHERE owner = ? AND local_date BETWEEN ? AND ?. The columns
            # after local_date let episodes over time and the body and hour charts be read
            # from the index alone, without a lookup of each row.
            models.Index(
                fields=["owner", "local_date", "intensity", "body_region", "side", "local_hour"],
                name="episode_owner_day_charts",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "uid"], name="episode_uid_unique_per_owner"),
            models.CheckConstraint(
                condition=Q(intensity__gte=INTENSITY_MIN, intensity__lte=INTENSITY_MAX),
                name="episode_intensity_0_10",
            ),
            models.CheckConstraint(condition=Q(local_hour__lte=23), name="episode_local_hour_0_23"),
            models.CheckConstraint(
                condition=Q(duration_seconds__isnull=True)
                | Q(duration_seconds__gte=1, duration_seconds__lte=MAX_DURATION_SECONDS),
                name="episode_duration_1s_to_24h",
            ),
            models.CheckConstraint(
                condition=Q(ongoing=False) | Q(duration_seconds__isnull=True),
                name="episode_ongoing_has_no_duration",
            ),
            models.CheckConstraint(
                condition=Q(fluid_ml__isnull=True) | Q(fluid_ml__lte=MAX_FLUID_ML),
                name="episode_fluid_at_most_15l",
            ),
            models.CheckConstraint(
                condition=Q(exercise_minutes__isnull=True)
                | Q(exercise_minutes__lte=MAX_EXERCISE_MINUTES),
                name="episode_exercise_at_most_1440",
            ),
            _choices_check("body_region", BodyRegion, "episode_body_region_valid"),
            _choices_check("side", Side, "episode_side_valid"),
            _choices_check("activity", Activity, "episode_activity_valid", blank=True),
            _choices_check(
                "exercise_intensity", ExerciseIntensity, "episode_exercise_intensity_valid", True
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_body_region_display()} cramp at {self.started_at:%Y-%m-%d %H:%M} UTC"

    def save(self, *args, **kwargs) -> None:
        for name, value in local_fields(self.started_at, owner_zone(self.owner_id)).items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *LOCAL_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("episode_detail", args=[self.pk])


class EpisodeTrigger(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="triggers")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)

    class Meta:
        ordering = ["trigger"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "trigger"], name="episode_trigger_once"),
            _choices_check("trigger", Trigger, "episode_trigger_valid"),
        ]

    def __str__(self) -> str:
        return self.get_trigger_display()


class EpisodeSymptom(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="symptoms")
    symptom = models.CharField(max_length=20, choices=Symptom.choices)

    class Meta:
        ordering = ["symptom"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "symptom"], name="episode_symptom_once"),
            _choices_check("symptom", Symptom, "episode_symptom_valid"),
        ]

    def __str__(self) -> str:
        return self.get_symptom_display()


class EpisodeRelief(models.Model):
    # No index of its own: relief_episode_measure_effect below begins with it.
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="reliefs", db_index=False
    )
    measure = models.CharField(max_length=20, choices=ReliefMeasure.choices)
    effect = models.PositiveSmallIntegerField(choices=ReliefEffect.choices)

    class Meta:
        ordering = ["measure"]
        indexes = [
            # The relief chart counts and averages effects per measure from the index
            # alone, without reading each row.
            models.Index(
                fields=["episode", "measure", "effect"], name="relief_episode_measure_effect"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["episode", "measure"], name="episode_relief_once"),
            _choices_check("measure", ReliefMeasure, "episode_relief_measure_valid"),
            models.CheckConstraint(
                condition=Q(effect__in=ReliefEffect.values), name="episode_relief_effect_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}: {self.get_effect_display()}"


class CheckIn(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    # The person's local calendar day, not a UTC date.
    date = models.DateField()
    fluid_ml = models.PositiveIntegerField(null=True, blank=True)
    electrolytes = models.BooleanField(null=True, blank=True)
    exercise_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    exercise_intensity = models.CharField(
        max_length=10, choices=ExerciseIntensity.choices, blank=True
    )
    sleep_hours = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    stretched = models.BooleanField(default=False)
    # Null: no exercise that day, so there was nothing to warm up for.
    warmed_up = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            # Also the index for "this person's check-ins between two dates".
            models.UniqueConstraint(fields=["owner", "date"], name="checkin_one_per_day"),
            models.CheckConstraint(
                condition=Q(fluid_ml__isnull=True) | Q(fluid_ml__lte=MAX_FLUID_ML),
                name="checkin_fluid_at_most_15l",
            ),
            models.CheckConstraint(
                condition=Q(exercise_minutes__isnull=True)
                | Q(exercise_minutes__lte=MAX_EXERCISE_MINUTES),
                name="checkin_exercise_at_most_1440",
            ),
            models.CheckConstraint(
                condition=Q(sleep_hours__isnull=True) | Q(sleep_hours__gte=0, sleep_hours__lte=24),
                name="checkin_sleep_0_to_24h",
            ),
            _choices_check(
                "exercise_intensity", ExerciseIntensity, "checkin_exercise_intensity_valid", True
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in for {self.date}"


class FlagKind(models.TextChoices):
    """The consultation rules of journal.patterns.flags, one per row of the flags table."""

    WARNING_SYMPTOMS = "warning_symptoms", "Warning symptoms"
    SEVERE_PAIN = "severe_pain", "Severe or uncontrollable pain"
    LONG_LASTING = "long_lasting", "Long-lasting cramps"
    FREQUENT = "frequent", "Frequent cramps"
    RISING = "rising", "Cramps becoming more frequent"
    PERSISTING = "persisting", "Cramps despite prevention"
    BROKEN_SLEEP = "broken_sleep", "Cramps breaking sleep"
    MEDICATION = "medication", "Cramps while taking a diuretic or statin"


class FlagReview(models.Model):
    """The person's note that they discussed a flag with their clinician.

    Flags themselves are computed from the journal on every view; only this mark is
    stored. It covers the flag's episodes up to through_episode_id, so a newer episode
    that meets the rule raises the flag again. Every mark is kept as history.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flag_reviews"
    )
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    # The person's local date of the discussion.
    discussed_on = models.DateField()
    # The newest episode behind the flag when it was marked. A plain id, not a foreign
    # key: deleting that episode later must not delete the history.
    through_episode_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The flags page and the Patterns page: WHERE owner = ? ORDER BY created_at.
            models.Index(fields=["owner", "created_at"], name="flagreview_owner_created"),
        ]
        constraints = [_choices_check("kind", FlagKind, "flagreview_kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} discussed on {self.discussed_on}"


class UserSession(AbstractBaseSession):
    """Django's session row plus the signed-in user's id, so that a person's sessions
    can all be ended at once (account deletion) without decoding every session, and
    what Profile → Devices shows of each. The columns are copied from the session's
    own data at each save (journal.accounts.sessions.UserIdMixin); the device name and
    address are the person's data, in their export and gone with their account."""

    user_id = models.BigIntegerField(null=True, db_index=True)
    # Read from the browser's User-Agent at sign-in (ua-parser, on this machine).
    device = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    # To the minute: journal.middleware.SessionTimeoutMiddleware writes it once a minute.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    kept = models.BooleanField(default=False)

    @classmethod
    def get_session_store_class(cls):
        from journal.accounts.sessions.db import SessionStore

        return SessionStore


class Passkey(models.Model):
    """A WebAuthn credential of the person's (journal.accounts.passkeys): the public key
    only; the private key never leaves their authenticator."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=60)
    credential_id = models.BinaryField(max_length=1023, unique=True)
    public_key = models.BinaryField()
    # The authenticator's counter; one that goes backwards means a cloned key.
    sign_count = models.PositiveBigIntegerField(default=0)
    # How the browser reaches it ("internal", "usb", "hybrid"...), given back to the
    # browser when it is asked for, so it looks in the right place.
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ShareLink(models.Model):
    """A read-only link to one report, for a clinician. Only the token's hash is kept:
    the link itself is shown once, when it is made, and cannot be rebuilt from the row."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    # SHA-256 of the token, in hex.
    token_hash = models.CharField(max_length=64, unique=True)
    # The report as it was chosen: its local dates and options.
    start = models.DateField()
    end = models.DateField()
    name = models.CharField(max_length=60, blank=True)
    include_notes = models.BooleanField(default=False)
    # The clinician may also download the range's journal as FHIR R4 (JSON).
    include_fhir = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="sharelink_end_not_before_start"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="sharelink_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"Share link {self.start} to {self.end}"

    def is_valid_at(self, moment: dt.datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at


class DeletedKind(models.TextChoices):
    """What an Undo can bring back (journal.records.undo)."""

    EPISODE = "episode", "Episode"
    CHECKIN = "checkin", "Check-in"
    MEDICATION = "medication", "Medicine"
    SHARE_LINK = "share_link", "Share link"


class UndoableDeletion(models.Model):
    """What one delete took away, kept only so its owner can undo it for
    journal.records.undo.UNDO_SECONDS. The rows themselves are deleted at once, so
    Patterns, flags, the report, exports and later backups never see them; this copy
    is erased at the Undo, or once the window is over (journal.records.undo.purge)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="undoable_deletions"
    )
    kind = models.CharField(max_length=10, choices=DeletedKind.choices)
    # The deleted rows in Django's JSON serialization (with their ids, so the Undo puts
    # back exactly what was there); for a share link, only its id.
    rows = models.TextField()
    expires_at = models.DateTimeField()

    objects = OwnedQuerySet.as_manager()

    class Meta:
        indexes = [
            # The purge: DELETE WHERE expires_at < now.
            models.Index(fields=["expires_at"], name="undoable_deletion_expires"),
        ]
        constraints = [_choices_check("kind", DeletedKind, "undoable_deletion_kind_valid")]

    def __str__(self) -> str:
        return f"Deleted {self.kind}, undoable until {self.expires_at:%H:%M:%S} UTC"


class AuditKind(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOCKED_OUT = "locked_out", "Sign-in paused after failed attempts"
    LOGOUT = "logout", "Signed out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset by email"
    TWO_FACTOR_ON = "two_factor_on", "Two-factor sign-in turned on"
    TWO_FACTOR_OFF = "two_factor_off", "Two-factor sign-in turned off"
    BACKUP_CODES = "backup_codes", "New backup codes made"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong two-factor code"
    EXPORT = "export", "Data exported"
    IMPORT = "import", "Episodes imported"
    SHARE_CREATED = "share_created", "Share link made"
    SHARE_OPENED = "share_opened", "Share link opened"
    SHARE_REVOKED = "share_revoked", "Share link revoked"
    SHARE_UNREVOKED = "share_unrevoked", "Share link revoked, then undone"
    ACCOUNT_DELETED = "account_deleted", "Account deleted"
    CONFIRMED = "confirmed", "Confirmed it was you"
    DEVICE_SIGNED_OUT = "device_signed_out", "A device signed out from Devices"
    OTHERS_SIGNED_OUT = "others_signed_out", "Every other device signed out"
    PASSKEY_ADDED = "passkey_added", "Passkey added"
    PASSKEY_REMOVED = "passkey_removed", "Passkey removed"


class AuditEvent(models.Model):
    """One security-relevant event. Never health text: the kind, when (UTC), the network
    address and a short detail such as "csv" or "link 12".

    ``user_id`` is a plain column, not a foreign key, so the one row recording an
    account's deletion outlives the account (journal.accounts.audit.account_deleted)."""

    user_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=AuditKind.choices)
    at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user_id", "-at"], name="audit_user_recent")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M:%S} UTC"


class RateCounter(models.Model):
    """A count within a time window, shared by every app server: the rate limits and the
    "so many at once" ceilings of journal.accounts.ratelimit, when no Redis is configured.

    ``key`` is a SHA-256 of what is counted (it may be an address or an email), and the
    window's end is a Unix time, so one SQL statement compares and updates it atomically
    on SQLite and PostgreSQL alike."""

    key = models.CharField(max_length=64, primary_key=True)
    count = models.IntegerField(default=0)
    expires_at = models.FloatField()

    class Meta:
        indexes = [
            # The occasional purge: DELETE WHERE expires_at < now.
            models.Index(fields=["expires_at"], name="ratecounter_expires")
        ]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count}"


class ReminderKind(models.TextChoices):
    CHECK_IN = "check_in", "Daily check-in"
    TIMER = "timer", "Unfinished timer"
    WEEKLY = "weekly", "Weekly patterns"


class Reminder(models.Model):
    """One kind of reminder email for one person: on or off, when, and the sender's
    bookkeeping (journal.reminders). A row exists once the person has saved the page."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    enabled = models.BooleanField(default=False)
    # The person's local time of day (check-in and weekly) and weekday (weekly, 0 Monday).
    at = models.TimeField(null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    # The next time it is due, in UTC; null when off or when it has no schedule (timer).
    next_due_at = models.DateTimeField(null=True, blank=True)
    # Failed sends in a row; at the limit the reminder pauses until the person saves it.
    failures = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "kind"], name="reminder_once_per_kind"),
            _choices_check("kind", ReminderKind, "reminder_kind_valid"),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__lte=6), name="reminder_weekday_valid"
            ),
        ]
        indexes = [
            # The sender's minute: WHERE next_due_at <= now.
            models.Index(fields=["next_due_at"], name="reminder_next_due")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.owner_id}"


class SendState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not needed"
    FAILED = "failed", "Given up"


class ReminderSend(models.Model):
    """One reminder email, claimed before it is sent: the unique (reminder, key) row is
    what makes any number of senders send it at most once. ``key`` is what it is for:
    the local date of a check-in or weekly reminder, or an episode's uid for a timer."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="sends")
    key = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=SendState.choices, default=SendState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a pending send may be tried (again): backoff after a failure.
    next_try_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The pass that claimed it: a claim is one UPDATE for a batch, and the rows bearing
    # this mark afterwards are the ones that pass won.
    claimed_by = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reminder", "key"], name="reminder_send_once"),
            _choices_check("state", SendState, "reminder_send_state_valid"),
        ]
        indexes = [
            # The sender's minute: WHERE state = 'pending' AND next_try_at <= now.
            models.Index(fields=["state", "next_try_at"], name="reminder_send_due")
        ]

    def __str__(self) -> str:
        return f"{self.reminder} {self.key}: {self.state}"
