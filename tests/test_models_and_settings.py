"""What the database itself refuses, and settings that fail loudly."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction

from crampjournal.env import env_bool, env_int, env_list
from journal.models import CheckIn, Episode, EpisodeRelief, EpisodeTrigger

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "fields",
    [
        {"intensity": 11},
        {"duration_seconds": 0},
        {"duration_seconds": 86_401},
        {"ongoing": True, "duration_seconds": 60},
        {"fluid_ml": 15_001},
        {"exercise_minutes": 1441},
        {"body_region": "tail"},
        {"side": "top"},
        {"activity": "dancing"},
    ],
)
def test_database_refuses_impossible_episodes(user, make_episode, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_episode(user, **fields)


def test_database_refuses_impossible_checkins(user):
    for fields in [{"sleep_hours": 25}, {"fluid_ml": 20_000}, {"exercise_minutes": 2000}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            CheckIn.objects.create(owner=user, date=dt.date(2026, 1, 1), **fields)


def test_a_trigger_or_relief_is_recorded_once_per_episode(user, make_episode):
    episode = make_episode(user)
    EpisodeTrigger.objects.create(episode=episode, trigger="stress")
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeTrigger.objects.create(episode=episode, trigger="stress")
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeRelief.objects.create(episode=episode, measure="stretch", effect=5)


def test_deleting_an_episode_deletes_its_details(user, make_episode):
    episode = make_episode(user)
    EpisodeTrigger.objects.create(episode=episode, trigger="heat")
    episode.delete()
    assert not EpisodeTrigger.objects.exists()


def test_for_user_scopes_to_the_owner(user, other_user, make_episode):
    mine = make_episode(user)
    make_episode(other_user)
    assert list(Episode.objects.for_user(user)) == [mine]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings")
def test_sqlite_runs_in_wal_with_immediate_transactions(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]


def test_env_readers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "ten")
    monkeypatch.setenv("X_LIST", "a.example, b.example ,")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 1)
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_BOOL", "On")
    assert env_bool("X_BOOL") is True


STRONG_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"
PRODUCTION = {"DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "cramps.example"}


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only the given DJANGO_/DATABASE_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    return _run("-c", "import crampjournal.settings", **env)


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_settings(DJANGO_ALLOWED_HOSTS="cramps.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_starts_with_nothing_set():
    assert _load_settings(DJANGO_DEBUG="true").returncode == 0


def test_a_bad_debug_value_is_named():
    result = _load_settings(DJANGO_DEBUG="perhaps")
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_a_backup_count_below_one_is_named():
    result = _load_settings(DJANGO_DEBUG="true", BACKUP_KEEP="0")
    assert "BACKUP_KEEP must be 1 or more, not '0'." in result.stderr


def test_an_unsupported_database_url_is_refused():
    result = _load_settings(DJANGO_DEBUG="true", DATABASE_URL="mysql://u@localhost/db")
    assert "DATABASE_URL must name" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = _load_settings(DJANGO_SECRET_KEY="short", DJANGO_ALLOWED_HOSTS="cramps.example")
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _load_settings(DJANGO_SECRET_KEY=STRONG_KEY)
    assert "DJANGO_ALLOWED_HOSTS must name" in result.stderr


def test_production_settings_pass_djangos_deployment_check():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_host_only_and_hidden_from_scripts():
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = _run("-c", code, DJANGO_SETTINGS_MODULE="crampjournal.settings", **PRODUCTION)
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "Lax",
        "31536000",
        "True",
        "False",
    ], result.stderr
