from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User

from journal.models import (
    CheckIn,
    Episode,
    EpisodeRelief,
    EpisodeSymptom,
    EpisodeTrigger,
    Medication,
    Profile,
)


class EpisodeTriggerInline(admin.TabularInline):
    model = EpisodeTrigger
    extra = 0


class EpisodeSymptomInline(admin.TabularInline):
    model = EpisodeSymptom
    extra = 0


class EpisodeReliefInline(admin.TabularInline):
    model = EpisodeRelief
    extra = 0


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["started_at", "owner", "body_region", "side", "intensity", "duration_seconds"]
    list_filter = ["body_region", "side", "ongoing"]
    list_select_related = ["owner"]
    # Raw ids: a picker would list every person's medications.
    raw_id_fields = ["owner", "medications_taken"]
    inlines = [EpisodeTriggerInline, EpisodeSymptomInline, EpisodeReliefInline]


@admin.register(Medication)
class MedicationAdmin(admin.ModelAdmin):
    list_display = ["name", "dose", "kind", "owner", "started_on", "stopped_on"]
    list_filter = ["kind"]
    raw_id_fields = ["owner"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["date", "owner", "fluid_ml", "exercise_minutes", "sleep_hours", "stretched"]
    raw_id_fields = ["owner"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "fluid_unit"]
    raw_id_fields = ["user"]


admin.site.register(EpisodeTrigger)
admin.site.register(EpisodeSymptom)
admin.site.register(EpisodeRelief)


class AccountChangeForm(UserChangeForm):
    """Django's form, with the app's uniqueness rules checked here (journal.accounts.identity)
    rather than left to the database's unique indexes, which would answer a 500."""

    def _taken(self, **lookup) -> bool:
        return User.objects.filter(**lookup).exclude(pk=self.instance.pk).exists()

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if self._taken(username__iexact=username):
            raise forms.ValidationError("Another account has this username (in any case).")
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email and self._taken(email__iexact=email):
            raise forms.ValidationError("Another account has this email address.")
        return email


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    form = AccountChangeForm
