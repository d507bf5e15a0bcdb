"""The edge of the app: what reaches it before any view does.

Request bodies larger than the largest legitimate upload are refused before they are
read (a declared 1 GiB body, a chunked one that keeps coming), while the CSV import near
its 5 MB limit still works and never touches the disk; methods the app does not speak
get 405; the CSRF failure page holds the Content-Security-Policy; reset links and share
tokens never reach a log line; gunicorn does not name itself and the static manifest is
not served. The server tests start gunicorn as `make serve` does (loadtest/servers.py)
and speak to it over sockets."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import http.client
import io
import logging
import os
import re
import select
import socket
import threading
import time
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.regex_helper import normalize

from journal.middleware import ALLOWED_METHODS
from journal.reports.episodes_csv import EXAMPLE, HEADER
from loadtest import journeys
from loadtest.servers import query, running_redis, running_stack
from tests.mail import smtp_server

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
GIB = 1024**3
FIRST_DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
REFUSED_METHODS = ["PUT", "PATCH", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PROPFIND", "FOO"]


# Helpers: raw HTTP, an SMTP server, the stack ---------------------------------------------


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


def read_response(sock: socket.socket) -> tuple[http.client.HTTPResponse, str]:
    """The answer on a raw connection, and its body as text."""
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response, response.read().decode("utf-8", "replace")


@contextlib.contextmanager
def watching(folder: Path) -> Iterator[set[str]]:
    """Every name that appears in ``folder`` while the block runs, however briefly."""
    seen: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(os.listdir(folder))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield seen
    finally:
        done.set()
        watcher.join()


def send_head(url: str, head: str, source: str | None = None) -> socket.socket:
    """Open a connection to ``url`` (from ``source``, a loopback address) and send a
    request's head; the caller sends the body, if any, and reads the answer."""
    sock = socket.create_connection(
        host_port(url), timeout=10, source_address=(source, 0) if source else None
    )
    sock.sendall(head.encode("latin-1"))
    return sock


@contextlib.contextmanager
def stack_redis() -> Iterator[str | None]:
    """On the PostgreSQL + Redis run, a Redis server of the stack's own."""
    if not os.environ.get("REDIS_URL"):
        yield None
        return
    with running_redis() as url:
        yield url


def wait_for_log(stack, text: str, seconds: float = 10) -> str:
    """gunicorn writes the access line after the answer has gone: give it a moment."""
    deadline = time.monotonic() + seconds
    while text not in (log := stack.log_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return log


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    """One gunicorn, as `make serve` runs it, sending mail to a real SMTP server, with a
    TMPDIR of its own to watch."""
    tmpdir = tmp_path_factory.mktemp("stack-tmp")
    with (
        smtp_server() as (mailbox, smtp_port),
        stack_redis() as redis_url,
        running_stack(
            postgres=POSTGRES,
            redis_url=redis_url,
            extra_env={
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "EMAIL_USE_TLS": "false",
                "TMPDIR": str(tmpdir),
            },
        ) as stack,
    ):
        stack.mailbox = mailbox
        stack.tmpdir = tmpdir
        yield stack


def _person(base: str, username: str) -> requests.Session:
    session = requests.Session()
    assert journeys.sign_up(session, base, username).status_code == HTTPStatus.FOUND
    return session


# Request bodies --------------------------------------------------------------------------


def csrf_cookie(base: str) -> str:
    """The Cookie header of a signed-out visitor who has opened the sign-in page: with it,
    the CSRF check reads the form's token from the body (without it, it refuses first)."""
    response = requests.get(f"{base}/accounts/login/")
    return f"Cookie: csrftoken={response.cookies['csrftoken']}\r\n"


def test_a_huge_declared_body_is_refused_at_once_without_being_read(edge):
    """1 GiB announced, signed out, to the sign-in page, and not one byte of it sent:
    the answer comes anyway, so nothing waited for the body (or wrote it to /tmp)."""
    url = edge.urls[0]
    sock = send_head(
        url,
        "POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"{csrf_cookie(url)}Content-Length: {GIB}\r\n\r\n",
    )
    with sock:
        response, page = read_response(sock)
    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "too large to send" in page
    assert f"{settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB" in page
    assert response.getheader("Server") is None
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")


def _send_chunked(sock: socket.socket, total: int, chunk: bytes) -> int:
    """Send chunks until ``total`` bytes have gone or the server has answered (it may stop
    reading long before); returns the bytes sent."""
    sent = 0
    while sent < total:
        readable, writable, _ = select.select([sock], [sock], [], 10)
        if readable:
            break
        if not writable:
            raise AssertionError("the server neither read on nor answered")
        try:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += len(chunk)
    else:
        with contextlib.suppress(OSError):
            sock.sendall(b"0\r\n\r\n")
    return sent


def test_a_chunked_body_past_the_limit_is_refused(edge):
    limit = settings.REQUEST_BODY_MAX_BYTES
    sock = send_head(
        edge.urls[0],
        "POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"{csrf_cookie(edge.urls[0])}Transfer-Encoding: chunked\r\n\r\n",
    )
    with sock:
        sent = _send_chunked(sock, total=4 * limit, chunk=b"a" * 65536)
        response, _ = read_response(sock)
    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    # It answered while the body was still coming: it stopped reading at the limit.
    assert sent < 4 * limit


def test_a_chunked_body_within_the_limit_is_read_like_any_other(edge):
    """Django reads no body without a Content-Length; the app gives it one, so a chunked
    sign-in works (before, it arrived as an empty form and failed the CSRF check)."""
    base = edge.urls[0]
    _person(base, "chunky")
    browser = requests.Session()
    token = journeys.csrf_token(browser.get(f"{base}/accounts/login/").text)
    body = f"csrfmiddlewaretoken={token}&username=chunky&password={journeys.PASSWORD}".encode()
    sock = send_head(
        base,
        "POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Cookie: csrftoken={browser.cookies['csrftoken']}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n",
    )
    with sock:
        sock.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        response, _ = read_response(sock)
    assert response.status == HTTPStatus.FOUND
    assert response.getheader("Location") == "/"


def near_limit_csv(size: int) -> bytes:
    """A valid import file just under ``size`` bytes: many episodes with long notes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    note = "Long note about the night. " * 150  # about 4,000 characters
    row = 0
    while True:
        started = (FIRST_DAY + dt.timedelta(hours=5 * row)).isoformat()
        line = io.StringIO()
        csv.writer(line, lineterminator="\r\n").writerow(
            [
                {"started_at": started, "notes": f"{row} {note}"}.get(name, EXAMPLE[name])
                for name in HEADER
            ]
        )
        if out.tell() + len(line.getvalue().encode()) > size:
            return out.getvalue().encode()
        out.write(line.getvalue())
        row += 1


def import_csv(session: requests.Session, base: str, data: bytes) -> requests.Response:
    token = journeys.csrf_token(session.get(f"{base}/import/").text)
    return session.post(
        f"{base}/import/",
        data={"csrfmiddlewaretoken": token},
        files={"file": ("episodes.csv", data, "text/csv")},
        allow_redirects=False,
        timeout=120,
    )


def test_a_csv_near_the_limit_imports_and_never_lands_on_disk(edge):
    base = edge.urls[0]
    session = _person(base, "importer")
    data = near_limit_csv(settings.IMPORT_MAX_BYTES - 1024)
    assert len(data) > settings.IMPORT_MAX_BYTES - 50_000
    rows = data.count(b"\r\n") - 1
    # Django writes an upload over FILE_UPLOAD_MAX_MEMORY_SIZE to the temporary folder
    # for the whole request (as tmpXXXX.upload.csv): watch the server's while the upload
    # is in flight. (SQLite may flash its own etilqs_ files there.)
    with watching(edge.tmpdir) as seen:
        response = import_csv(session, base, data)
    assert response.status_code == HTTPStatus.FOUND, response.text[:2000]
    assert response.headers["Location"] == "/episodes/"
    assert not [name for name in seen if ".upload" in name], seen
    (count,) = query(
        edge.database_url,
        "SELECT COUNT(*) FROM journal_episode e JOIN auth_user u ON u.id = e.owner_id "
        "WHERE u.username = 'importer'",
    )[0]
    assert count == rows


# Logs ------------------------------------------------------------------------------------


def test_a_password_reset_through_gunicorn_leaves_no_link_in_its_logs(edge):
    base = edge.urls[0]
    _person(base, "forgetful")
    browser = requests.Session()
    sent = journeys.post_form(
        browser, base, "/accounts/password_reset/", {"email": "forgetful@example.com"}
    )
    assert sent.status_code == HTTPStatus.FOUND
    link = edge.mailbox.wait_for(r"http://[^/\s]+(/accounts/reset/([^/\s]+)/([^/\s]+)/)")
    path, uid, token = link.groups()
    opened = browser.get(base + path, allow_redirects=False)
    assert opened.status_code == HTTPStatus.FOUND
    form_path = opened.headers["Location"]
    assert form_path == f"/accounts/reset/{uid}/set-password/"
    new = "a-new-passphrase-for-the-test-81"
    done = journeys.post_form(
        browser, base, form_path, {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == HTTPStatus.FOUND
    assert done.headers["Location"] == "/accounts/reset/done/"
    # A mistyped link: 404, which Django logs ("Not Found: ...") as well.
    assert requests.get(f"{base}{path}extra/").status_code == HTTPStatus.NOT_FOUND
    log = wait_for_log(edge, "Not Found: /accounts/reset/<uidb64>/<token>/extra/")
    assert token not in log
    assert f"/{uid}/" not in log
    assert '"GET /accounts/reset/<uidb64>/<token>/ HTTP/1.1" 302' in log
    assert '"POST /accounts/reset/<uidb64>/set-password/ HTTP/1.1" 302' in log
    assert "Not Found: /accounts/reset/<uidb64>/<token>/extra/" in log


def test_django_logs_redact_reset_links_in_every_logger(db, caplog):
    caplog.set_level(logging.DEBUG)
    token = "cbx5a2-0123456789abcdef0123456789abcdef"
    assert Client().get(f"/accounts/reset/MQ/{token}/x/").status_code == HTTPStatus.NOT_FOUND
    # A form sent to the link without a CSRF cookie: django.security.csrf logs the path.
    refused = Client(enforce_csrf_checks=True).post(f"/accounts/reset/MQ/{token}/")
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert token not in caplog.text
    assert "/MQ/" not in caplog.text
    assert "Not Found: /accounts/reset/<uidb64>/<token>/x/" in caplog.text
    assert "Forbidden (CSRF cookie not set.): /accounts/reset/<uidb64>/<token>/" in caplog.text


# What the server says about itself --------------------------------------------------------


def test_gunicorn_does_not_name_itself(edge):
    base = edge.urls[0]
    page = requests.get(f"{base}/accounts/login/")
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.text).group(1)
    answers = [
        page,
        requests.get(f"{base}/healthz"),
        requests.get(base + css),
        requests.get(f"{base}/no-such-page/"),
        requests.put(f"{base}/accounts/login/"),
    ]
    for response in answers:
        assert "Server" not in response.headers, response.url
    # gunicorn's own answer to a request it cannot parse.
    with send_head(base, "NOT HTTP AT ALL\r\n\r\n") as sock:
        assert b"Server:" not in sock.recv(65536)


def test_the_static_manifest_is_not_served(edge):
    base = edge.urls[0]
    assert requests.get(f"{base}/static/staticfiles.json").status_code == HTTPStatus.NOT_FOUND
    # The files it lists still are.
    page = requests.get(f"{base}/accounts/login/").text
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)
    assert requests.get(base + css).status_code == HTTPStatus.OK


# Through the test client ------------------------------------------------------------------


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(db):
    """The payload holds one byte: reading any more of it would raise."""
    too_big = str(settings.REQUEST_BODY_MAX_BYTES + 1)
    response = Client().generic(
        "POST",
        "/accounts/login/",
        b"x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=too_big,
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "default-src 'none'" in response["Content-Security-Policy"]
    at_limit = Client().generic(
        "POST",
        "/accounts/login/",
        b"x" * settings.REQUEST_BODY_MAX_BYTES,
        content_type="application/x-www-form-urlencoded",
    )
    assert at_limit.status_code != HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_every_form_fits_in_the_field_limit(user, alice_client):
    """DATA_UPLOAD_MAX_NUMBER_FIELDS leaves room above the longest form."""
    for name in ["episode_create", "quick_log", "checkin_today", "medication_create", "import"]:
        url = reverse(name)
        page = alice_client.get(url)
        assert page.status_code == HTTPStatus.OK, url
        fields = re.findall(r'\sname="[^"]+"', page.content.decode())
        assert 0 < len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS / 2, url


def _assert_under_the_csp(response) -> None:
    policy = response["Content-Security-Policy"]
    for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'"]:
        assert directive in policy
    assert "unsafe" not in policy
    html = response.content.decode()
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    for script in re.findall(r"<script[^>]*>", html):
        assert " src=" in script, script


def test_the_csrf_failure_page_holds_the_content_security_policy(user, client_for):
    signed_out = Client(enforce_csrf_checks=True)
    response = signed_out.post("/accounts/login/", {"username": "alice", "password": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "This form has expired" in response.content.decode()
    _assert_under_the_csp(response)
    # Signed in, the page is the person's own (their menu, a way to sign out).
    signed_in = client_for(user)
    signed_in.handler.enforce_csrf_checks = True
    response = signed_in.post("/episodes/quick/", {})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Log out" in response.content.decode()
    _assert_under_the_csp(response)


def _sample_paths() -> list[str]:
    """One concrete path per URL pattern: the resolver walked, each parameter filled."""
    samples = {"pk": "1", "day": "2026-01-02", "token": "x" * 43, "uidb64": "MQ"}
    paths = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            fmt, params = normalize(entry.pattern.regex.pattern)[0]
            part = fmt % {name: samples.get(name, "1") for name in params}
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part)
            elif isinstance(entry, URLPattern):
                paths.append("/" + prefix + part)

    walk(get_resolver().url_patterns, "")
    return paths


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_other_methods_get_405_on_every_address(user, client_for, signed_in):
    client = client_for(user) if signed_in else Client()
    paths = _sample_paths()
    assert len(paths) > 40  # the resolver was walked: the app's pages, the admin's, ...
    for path in [*paths, "/static/css/app.css"]:
        for method in REFUSED_METHODS:
            response = client.generic(method, path)
            assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED, (method, path)
            allowed = {m.strip() for m in response["Allow"].split(",")}
            assert allowed <= set(ALLOWED_METHODS), (method, path)
            body = b"".join(response) if response.streaming else response.content
            assert b"<html" not in body.lower(), (method, path)
    # The methods the app speaks still reach the views.
    assert client.get("/healthz").status_code == HTTPStatus.OK
    assert client.head("/healthz").status_code == HTTPStatus.OK


def test_the_watch_sees_a_file_that_lives_a_tenth_of_a_second(tmp_path):
    """The watch on the temporary folder above is not blind."""
    with watching(tmp_path) as seen:
        path = tmp_path / "tmpabc.upload.csv"
        path.write_bytes(b"x")
        time.sleep(0.1)
        path.unlink()
    assert seen == {"tmpabc.upload.csv"}
