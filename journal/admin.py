from django.contrib import admin

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
