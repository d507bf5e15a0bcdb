"""Slow request bodies against gunicorn alone, then through nginx (deploy/nginx.conf).

Run by hand, not by the test suite (it takes about a minute):

    .venv/bin/python -m bench.slow_bodies [--bodies 100] [--every 5] [--rounds 4]

It starts gunicorn as `make serve` does (2 workers of 4 threads, a scratch SQLite file)
and nginx in front of it, both on loopback. For each way in, it opens ``--bodies``
sign-in POSTs that announce a 100,000-byte body and then send one byte of it every
``--every`` seconds, for ``--rounds`` rounds, and asks for /healthz (through that same
way in) once a round, with a 10 s timeout. It prints how long each health check took.

What it shows: without a buffering proxy every gunicorn thread waits on a slow body and
/healthz does not answer; with nginx in front, gunicorn never sees the bodies and
/healthz answers in milliseconds. tests/test_proxy.py checks the second half on every run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import time

import requests

from loadtest.servers import running_nginx, running_stack

HEAD = (
    "POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
)


def health(url: str) -> str:
    started = time.monotonic()
    try:
        answer = requests.get(f"{url}/healthz", timeout=10).text.strip()
    except requests.RequestException as error:
        answer = type(error).__name__
    return f"{answer} in {time.monotonic() - started:.3f} s"


def measure(name: str, url: str, args: argparse.Namespace) -> None:
    print(f"{name}: before any slow body, /healthz {health(url)}")
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    try:
        for _ in range(args.bodies):
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(HEAD.encode())
            sockets.append(sock)
        for round_ in range(1, args.rounds + 1):
            time.sleep(args.every)
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"a")
            print(f"{name}: {args.bodies} slow bodies, round {round_}, /healthz {health(url)}")
    finally:
        for sock in sockets:
            sock.close()
    time.sleep(1)
    print(f"{name}: after closing them, /healthz {health(url)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=100)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between bytes")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampjournal.settings_test")
    from django.conf import settings

    print(f"{os.cpu_count()} CPUs; gunicorn: 2 workers x 4 threads (gthread)")
    with running_stack(extra_env={"DJANGO_BEHIND_PROXY": "true"}) as stack:
        with running_nginx(stack.urls[0], settings.REQUEST_BODY_MAX_BYTES) as nginx:
            measure("nginx in front", nginx, args)
        measure("gunicorn alone", stack.urls[0], args)


if __name__ == "__main__":
    main()
