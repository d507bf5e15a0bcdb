from django.urls import path, register_converter

from journal.accounts.views import account, addresses, confirm, devices, keep, passkeys, security
from journal.converters import IsoDateConverter
from journal.patterns.views import flags, patterns
from journal.records.views import checkins, episodes, home, medications, undo
from journal.reminders import views as reminders
from journal.reports.views import exports, report, share

register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/signup/", account.signup, name="signup"),
    path("profile/", account.profile, name="profile"),
    path("profile/delete/", account.delete_account, name="delete_account"),
    path("profile/reminders/", reminders.reminders_page, name="reminders"),
    path("profile/email/", addresses.change_email, name="change_email"),
    path("profile/email/resend/", addresses.resend_link, name="resend_confirmation"),
    path("accounts/confirm-email/<str:token>/", addresses.confirm_email, name="confirm_email"),
    path("reminders/stop/<str:token>/", reminders.unsubscribe, name="reminder_unsubscribe"),
    path("profile/two-factor/", security.two_factor_page, name="two_factor"),
    path("profile/two-factor/off/", security.two_factor_off, name="two_factor_off"),
    path("profile/two-factor/backup-codes/", security.backup_codes, name="backup_codes"),
    path("profile/activity/", security.activity, name="activity"),
    path("profile/devices/", devices.device_list, name="devices"),
    path(
        "profile/devices/<str:session_id>/sign-out/",
        devices.device_sign_out,
        name="device_sign_out",
    ),
    path(
        "profile/devices/sign-out-others/", devices.device_sign_out_others, name="sign_out_others"
    ),
    path("profile/passkeys/", passkeys.passkey_list, name="passkeys"),
    path("profile/passkeys/options/", passkeys.passkey_add_options, name="passkey_add_options"),
    path("profile/passkeys/<int:pk>/remove/", passkeys.passkey_remove, name="passkey_remove"),
    path("accounts/confirm/", confirm.confirm_page, name="confirm"),
    path("accounts/confirm/passkey/", passkeys.confirm_with_passkey, name="confirm_passkey"),
    path(
        "accounts/confirm/passkey/options/",
        passkeys.confirm_options,
        name="confirm_passkey_options",
    ),
    path("accounts/passkey/", passkeys.sign_in, name="passkey_sign_in"),
    path("accounts/passkey/options/", passkeys.sign_in_options, name="passkey_sign_in_options"),
    path("patterns/", patterns.patterns_page, name="patterns"),
    path("clinician/", flags.flags_page, name="flags"),
    path("report/", report.report_page, name="report"),
    path("report/pdf/", report.report_pdf, name="report_pdf"),
    path("share/", share.share_list, name="share_list"),
    path("share/<int:pk>/revoke/", share.share_revoke, name="share_revoke"),
    path("s/<str:token>/", share.shared_report, name="shared_report"),
    path("s/<str:token>/pdf/", share.shared_pdf, name="shared_pdf"),
    path("s/<str:token>/fhir/", share.shared_fhir, name="shared_fhir"),
    path("clinician/<str:kind>/discussed/", flags.flag_discussed, name="flag_discussed"),
    path("explained/", flags.explained, name="explained"),
    path("export/", exports.export_page, name="export"),
    path("export/episodes.csv", exports.episodes_csv_download, name="export_episodes_csv"),
    path("export/all-data.json", exports.all_data_download, name="export_all_data"),
    path("export/fhir/", exports.fhir_download, name="export_fhir"),
    path("import/", exports.import_page, name="import"),
    path("import/columns/", exports.import_columns, name="import_columns"),
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
    path("undo/<int:pk>/", undo.undo_delete, name="undo_delete"),
    path("keep-signed-in/", keep.keep_signed_in, name="keep_signed_in"),
]
