"""Deleting an account: the password again, then nothing of the person's remains."""

from http import HTTPStatus

from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from journal.models import FlagReview, UserSession
from journal.records.services import save_episode_details
from tests.conftest import PASSWORD


def _fill(person, make_episode, make_medication, make_checkin) -> None:
    medication = make_medication(person)
    episode = make_episode(person, notes="private")
    episode.medications_taken.add(medication)
    save_episode_details(episode, ["heat"], ["numbness"], {"stretch": 2})
    make_checkin(person)
    FlagReview.objects.create(
        owner=person, kind="frequent", discussed_on="2026-03-01", through_episode_id=episode.pk
    )


def _rows_of(person_id: int) -> dict[str, int]:
    """Every row in the database that points at the person, directly or via an episode."""
    counts = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or not field.is_relation:
                continue
            related = field.related_model
            if related is User:
                counts[model.__name__] = model.objects.filter(**{field.name: person_id}).count()
            elif related is not None and related.__name__ == "Episode":
                counts[model.__name__] = model.objects.filter(
                    **{f"{field.name}__owner": person_id}
                ).count()
    counts["UserSession"] = UserSession.objects.filter(user_id=person_id).count()
    return counts


def _logged_in_client(username: str) -> Client:
    client = Client()
    assert (
        client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code
        == HTTPStatus.FOUND
    )
    return client


def test_deleting_an_account_leaves_nothing_of_it(
    user, other_user, make_episode, make_medication, make_checkin
):
    for person in (user, other_user):
        _fill(person, make_episode, make_medication, make_checkin)
    phone, laptop = _logged_in_client("alice"), _logged_in_client("alice")
    _logged_in_client("mallory")
    assert sum(_rows_of(user.pk).values()) > 0
    others_before = _rows_of(other_user.pk)

    response = laptop.post(reverse("delete_account"), {"password": PASSWORD}, follow=True)
    assert "Your account and everything in it have been deleted." in response.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    assert set(_rows_of(user.pk).values()) == {0}
    # Every session ended, on the other device too.
    assert phone.get(reverse("patterns")).status_code == HTTPStatus.FOUND
    # Nobody else lost anything.
    assert _rows_of(other_user.pk) == others_before


def test_a_wrong_password_deletes_nothing_and_says_so(user, alice_client, make_episode):
    make_episode(user)
    response = alice_client.post(reverse("delete_account"), {"password": "not-it"})
    assert response.status_code == HTTPStatus.OK
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert alice_client.get(reverse("patterns")).status_code == HTTPStatus.OK


def test_deleting_needs_a_post(alice_client, user):
    assert alice_client.get(reverse("delete_account")).status_code == HTTPStatus.OK
    assert User.objects.filter(pk=user.pk).exists()


def test_sessions_record_who_they_belong_to(user):
    _logged_in_client("alice")
    assert UserSession.objects.filter(user_id=user.pk).count() == 1
