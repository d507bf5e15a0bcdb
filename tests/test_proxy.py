"""Behind a reverse proxy: the client's own address reaches the lockouts, the audit trail
and the rate limits (journal.accounts.client_ip), never the proxy's and never a forged one.

The first tests go through the Django test client as the proxy would call the app
(REMOTE_ADDR the proxy's, X-Forwarded-For appended by it); the last ones start the
shipped nginx config (deploy/nginx.conf) in front of gunicorn on loopback."""

import contextlib
import os
import socket
import time
from http import HTTPStatus

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from journal.models import AuditEvent, AuditKind
from loadtest import journeys
from loadtest.servers import NGINX, query, running_nginx, running_stack
from tests.conftest import PASSWORD
from tests.test_edge import (
    import_csv,
    near_limit_csv,
    read_response,
    send_head,
    stack_redis,
    wait_for_log,
)

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

PROXY = "127.0.0.1"
CLIENT_A = "198.51.100.7"
CLIENT_B = "203.0.113.9"


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.PROXY_HOPS = 1
    return settings


def _via_proxy(forwarded_for: str) -> Client:
    """A client whose requests reach the app through the proxy, with this header."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def _sign_in(client: Client, password: str):
    return client.post(reverse("login"), {"username": "alice", "password": password})


def test_five_wrong_passwords_from_one_client_do_not_lock_out_another(user, behind_proxy):
    attacker = _via_proxy(CLIENT_A)
    for _ in range(5):
        _sign_in(attacker, "wrong-guess")
    assert _sign_in(attacker, PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS
    # The same username from another client, through the same proxy, still signs in.
    assert _sign_in(_via_proxy(CLIENT_B), PASSWORD).status_code == HTTPStatus.FOUND


def test_the_audit_trail_records_the_client_not_the_proxy(user, behind_proxy):
    _sign_in(_via_proxy(CLIENT_A), "wrong-guess")
    _sign_in(_via_proxy(CLIENT_B), PASSWORD)
    events = AuditEvent.objects.filter(user_id=user.pk).order_by("at", "pk")
    assert [(e.kind, e.ip_address) for e in events] == [
        (AuditKind.LOGIN_FAILED, CLIENT_A),
        (AuditKind.LOGIN, CLIENT_B),
    ]


def test_a_forged_left_most_entry_changes_nothing(user, behind_proxy):
    """The client sends its own X-Forwarded-For; the proxy appends the real address."""
    for forged in ["10.9.8.7", "127.0.0.1", "not-an-address", "10.0.0.1, 10.0.0.2"]:
        _sign_in(_via_proxy(f"{forged}, {CLIENT_A}"), PASSWORD)
    addresses = set(
        AuditEvent.objects.filter(kind=AuditKind.LOGIN).values_list("ip_address", flat=True)
    )
    assert addresses == {CLIENT_A}
    # Locked out under one forged value is locked out under every other.
    for forged in ["10.1.1.1", "10.1.1.2", "10.1.1.3", "10.1.1.4", "10.1.1.5"]:
        _sign_in(_via_proxy(f"{forged}, {CLIENT_B}"), "wrong-guess")
    again = _sign_in(_via_proxy(f"10.1.1.6, {CLIENT_B}"), PASSWORD)
    assert again.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_two_trusted_hops_take_the_address_the_outer_proxy_saw(user, behind_proxy):
    behind_proxy.PROXY_HOPS = 2
    # client (forged entry) -> load balancer (appends CLIENT_A) -> nginx (appends the
    # load balancer's address) -> app.
    _sign_in(_via_proxy(f"10.9.8.7, {CLIENT_A}, 10.0.0.5"), PASSWORD)
    login = AuditEvent.objects.get(user_id=user.pk, kind=AuditKind.LOGIN)
    assert login.ip_address == CLIENT_A


@pytest.mark.parametrize(
    "forwarded_for",
    ["", "garbage", "1.2.3.999", ",,,", "a" * 5000, "::ffff:zz", "\x00"],
)
def test_a_missing_or_bad_header_falls_back_to_the_peer(user, behind_proxy, forwarded_for):
    response = _sign_in(_via_proxy(forwarded_for), PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    login = AuditEvent.objects.get(user_id=user.pk, kind=AuditKind.LOGIN)
    assert login.ip_address == PROXY


def test_fewer_entries_than_trusted_hops_fall_back_to_the_peer(user, behind_proxy):
    behind_proxy.PROXY_HOPS = 2
    _sign_in(_via_proxy(CLIENT_A), PASSWORD)
    assert AuditEvent.objects.get(kind=AuditKind.LOGIN).ip_address == PROXY


def test_without_a_proxy_the_header_is_ignored(user, settings):
    settings.BEHIND_PROXY = False
    _sign_in(Client(REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=CLIENT_B), PASSWORD)
    assert AuditEvent.objects.get(kind=AuditKind.LOGIN).ip_address == CLIENT_A


def test_one_clients_reset_requests_leave_another_clients_alone(user, behind_proxy, mailoutbox):
    """However many reset requests one client makes, another still gets its link."""
    url = reverse("password_reset")
    for n in range(10):
        _via_proxy(CLIENT_A).post(url, {"email": f"someone{n}@example.com"})
    _via_proxy(CLIENT_B).post(url, {"email": "alice@example.com"})
    assert [message.to for message in mailoutbox] == [["alice@example.com"]]


# nginx (deploy/nginx.conf) in front of gunicorn, on loopback ------------------------------

SLOW_BODIES = 100
BYTE_EVERY_SECONDS = 2
ROUNDS = 3


@pytest.fixture(scope="module")
def proxied():
    """gunicorn as `make serve` runs it behind a proxy, and nginx in front of it."""
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx): the proxy tests need it")
    with (
        stack_redis() as redis_url,
        running_stack(
            postgres=POSTGRES, redis_url=redis_url, extra_env={"DJANGO_BEHIND_PROXY": "true"}
        ) as stack,
        running_nginx(stack.urls[0], settings.REQUEST_BODY_MAX_BYTES) as nginx_url,
    ):
        stack.nginx = nginx_url
        yield stack


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections from one loopback address (127.0.0.2, ...): Linux answers the whole
    127.0.0.0/8, so each address is a different client to nginx."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _browser(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


def _health(url: str) -> str:
    """The health check's answer, or why there was none within 5 s."""
    try:
        return requests.get(f"{url}/healthz", timeout=5).text
    except requests.RequestException as error:
        return type(error).__name__


def open_slow_bodies(url: str, count: int) -> list[socket.socket]:
    """Sign-in POSTs whose headers are complete and whose body has yet to come."""
    head = (
        "POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
    )
    return [send_head(url, head) for _ in range(count)]


def trickle(sockets: list[socket.socket], url: str, rounds: int) -> list[str]:
    """Send one more byte on every socket each BYTE_EVERY_SECONDS, for a bounded number of
    rounds, asking for the health check each round; its answers."""
    answers = []
    for _ in range(rounds):
        time.sleep(BYTE_EVERY_SECONDS)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.send(b"a")
        answers.append(_health(url))
    return answers


def test_slow_bodies_leave_the_health_check_answering_through_nginx(proxied):
    sockets = open_slow_bodies(proxied.nginx, SLOW_BODIES)
    try:
        answers = trickle(sockets, proxied.nginx, ROUNDS)
        # gunicorn itself is idle: nginx holds the bodies until they are complete.
        direct = _health(proxied.urls[0])
    finally:
        for sock in sockets:
            sock.close()
    assert answers == ["ok\n"] * ROUNDS
    assert direct == "ok\n"


def _audit(stack, username: str) -> list[tuple[str, str | None]]:
    rows = query(
        stack.database_url,
        "SELECT a.kind, a.ip_address FROM journal_auditevent a "
        f"JOIN auth_user u ON u.id = a.user_id WHERE u.username = '{username}' "
        "ORDER BY a.at, a.id",
    )
    # PostgreSQL gives an inet column back as an ipaddress object.
    return [(kind, None if address is None else str(address)) for kind, address in rows]


def test_each_client_behind_nginx_is_locked_out_and_audited_on_its_own(proxied):
    base = proxied.nginx
    assert journeys.sign_up(_browser("127.0.0.2"), base, "behind").status_code == 302
    attacker = _browser("127.0.0.3")
    for _ in range(5):
        journeys.log_in(attacker, base, "behind", password="wrong-guess")
    locked = journeys.log_in(_browser("127.0.0.3"), base, "behind")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # Another client, even one claiming to be the attacker, signs in.
    owner = _browser("127.0.0.4")
    forged = {"X-Forwarded-For": "127.0.0.3"}
    signed_in = journeys.log_in(owner, base, "behind", headers=forged)
    assert signed_in.status_code == HTTPStatus.FOUND
    events = _audit(proxied, "behind")
    assert ("login_failed", "127.0.0.3") in events
    assert ("locked_out", "127.0.0.3") in events
    assert events[-1] == ("login", "127.0.0.4")
    assert not {address for _, address in events} & {"127.0.0.1", None}
    # gunicorn's access log names the client too, not nginx.
    log = wait_for_log(proxied, '127.0.0.4 "POST /accounts/login/ HTTP/1.0" 302')
    assert '127.0.0.4 "POST /accounts/login/ HTTP/1.0" 302' in log


def test_nginx_takes_the_largest_upload_and_refuses_a_larger_one(proxied):
    base = proxied.nginx
    session = _browser("127.0.0.5")
    assert journeys.sign_up(session, base, "uploader").status_code == 302
    data = near_limit_csv(settings.IMPORT_MAX_BYTES - 1024)
    response = import_csv(session, base, data)
    assert response.status_code == HTTPStatus.FOUND, response.text[:2000]
    # Over the limit, nginx answers from the Content-Length alone.
    with send_head(
        base,
        "POST /import/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Length: {settings.REQUEST_BODY_MAX_BYTES + 1}\r\n\r\n",
    ) as sock:
        refused, _ = read_response(sock)
    assert refused.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert refused.getheader("Server") == "nginx"  # no version
