from django.urls import path, register_converter

from journal.converters import IsoDateConverter
from journal.views import (
    account,
    checkins,
    dashboard,
    episodes,
    exports,
    flags,
    home,
    medications,
    report,
)

register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/signup/", account.signup, name="signup"),
    path("profile/", account.profile, name="profile"),
    path("profile/delete/", account.delete_account, name="delete_account"),
    path("patterns/", dashboard.dashboard_view, name="dashboard"),
    path("clinician/", flags.flags_page, name="flags"),
    path("report/", report.report_page, name="report"),
    path("report/pdf/", report.report_pdf, name="report_pdf"),
    path("clinician/<str:kind>/discussed/", flags.flag_discussed, name="flag_discussed"),
    path("explained/", flags.explained, name="explained"),
    path("export/", exports.export_page, name="export"),
    path("export/episodes.csv", exports.episodes_csv_download, name="export_episodes_csv"),
    path("export/all-data.json", exports.all_data_download, name="export_all_data"),
    path("import/", exports.import_page, name="import"),
    path("import/template.csv", exports.import_template, name="import_template"),
    path("episodes/", episodes.episode_list, name="episode_list"),
    path("episodes/new/", episodes.episode_form, name="episode_create"),
    path("episodes/quick/", episodes.quick_log, name="quick_log"),
    path("episodes/timer/", episodes.timer_start, name="timer_start"),
    path("episodes/<int:pk>/", episodes.episode_detail, name="episode_detail"),
    path("episodes/<int:pk>/edit/", episodes.episode_form, name="episode_edit"),
    path("episodes/<int:pk>/delete/", episodes.episode_delete, name="episode_delete"),
    path("episodes/<int:pk>/timer/", episodes.episode_timer, name="episode_timer"),
    path("episodes/<int:pk>/stop/", episodes.episode_stop, name="episode_stop"),
    path("checkins/", checkins.checkin_list, name="checkin_list"),
    path("checkins/today/", checkins.checkin_form, name="checkin_today"),
    path("checkins/<isodate:day>/", checkins.checkin_form, name="checkin_day"),
    path("checkins/<isodate:day>/delete/", checkins.checkin_delete, name="checkin_delete"),
    path("medications/", medications.medication_list, name="medication_list"),
    path("medications/new/", medications.medication_form, name="medication_create"),
    path("medications/<int:pk>/edit/", medications.medication_form, name="medication_edit"),
    path("medications/<int:pk>/delete/", medications.medication_delete, name="medication_delete"),
]
