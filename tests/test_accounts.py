"""Sign up, log in and out, passwords, and the profile."""

from http import HTTPStatus

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from journal.models import Episode, Profile
from tests.conftest import PASSWORD, can_sign_in, reset_password_by_email
from tests.test_admin import verified_admin_client

NEW_PASSWORD = "another-long-passphrase-77"


def _signup(client: Client, **extra) -> object:
    data = {
        "username": "bea",
        "email": "bea@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "Europe/Madrid",
    }
    return client.post(reverse("signup"), data | extra)


def test_sign_up_logs_in_and_keeps_the_time_zone(db):
    client = Client()
    response = _signup(client)
    assert response.url == reverse("home")
    user = User.objects.get(username="bea")
    assert Profile.objects.get(user=user).time_zone == "Europe/Madrid"
    assert client.get(reverse("home")).context["user"] == user


def test_sign_up_offers_utc_until_the_browser_says_otherwise(db):
    form = Client().get(reverse("signup")).context["form"]
    assert form["time_zone"].value() == "UTC"
    assert form.fields["time_zone"].widget.attrs["data-guess-time-zone"] == "true"


def test_sign_up_applies_the_password_validators(db):
    response = _signup(Client(), password1="password", password2="password")
    assert response.status_code == HTTPStatus.OK
    assert "too common" in " ".join(response.context["form"].errors["password2"])
    assert response.context["form"]["username"].value() == "bea"
    assert not User.objects.filter(username="bea").exists()


def test_sign_up_rejects_an_unknown_time_zone(db):
    response = _signup(Client(), time_zone="Mars/Olympus_Mons")
    assert "time_zone" in response.context["form"].errors


def test_log_in_and_out(user):
    client = Client()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.url == reverse("home")
    assert client.get(reverse("episode_list")).status_code == HTTPStatus.OK
    assert client.post(reverse("logout")).status_code == HTTPStatus.FOUND
    assert client.get(reverse("episode_list")).status_code == HTTPStatus.FOUND


def test_a_wrong_password_is_refused(user):
    response = Client().post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors


def test_log_in_returns_to_the_page_asked_for(user):
    response = Client().post(
        reverse("login") + "?next=/checkins/",
        {"username": "alice", "password": PASSWORD, "next": "/checkins/"},
    )
    assert response.url == "/checkins/"


def test_change_password(user, alice_client):
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("password_change_done")
    assert can_sign_in("alice", NEW_PASSWORD)


def test_reset_password_by_email(user):
    response = reset_password_by_email(Client(), "alice@example.com", NEW_PASSWORD)
    assert len(mail.outbox) == 1
    assert response.url == reverse("password_reset_complete")
    assert can_sign_in("alice", NEW_PASSWORD)


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(db):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_profile_time_zone_changes_how_times_are_shown(user, alice_client, make_episode):
    import datetime as dt

    episode = make_episode(user, started_at=dt.datetime(2026, 7, 1, 22, 15, tzinfo=dt.UTC))
    response = alice_client.post(
        reverse("profile"), {"time_zone": "Asia/Tokyo", "fluid_unit": "floz", "colour_mode": "dark"}
    )
    assert response.url == reverse("profile")
    profile = Profile.objects.get(user=user)
    assert (profile.time_zone, profile.fluid_unit) == ("Asia/Tokyo", "floz")
    detail = alice_client.get(reverse("episode_detail", args=[episode.pk])).content.decode()
    assert "Thu 2 Jul 2026, 07:15" in detail  # 22:15 UTC is 07:15 next day in Tokyo


def test_an_account_made_in_the_admin_gets_a_profile_on_first_use(db, client_for):
    person = User.objects.create_user("carl", "carl@example.com", PASSWORD)
    client = client_for(person)
    assert client.get(reverse("profile")).status_code == HTTPStatus.OK
    assert Profile.objects.get(user=person).time_zone == "UTC"
    client.post(
        reverse("quick_log"),
        {"body_region": "neck", "side": "na", "intensity": 3, "started_ago": 0},
    )
    assert Episode.objects.filter(owner=person).count() == 1


def test_admin_lists_every_model(db):
    # The admin opens only after the app's sign-in with two-factor (tests/test_admin.py).
    index = verified_admin_client().get("/admin/").content.decode()
    for name in [
        "Episodes",
        "Medications",
        "Check ins",
        "Profiles",
        "Episode triggers",
        "Episode symptoms",
        "Episode reliefs",
    ]:
        assert name in index, name
