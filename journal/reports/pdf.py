"""HTML to PDF with WeasyPrint: in a child process with hard limits on its time and
memory, at most one at a time per person and a few at once site-wide, fetching nothing
but the project's own static files.

A page costs WeasyPrint a tenth of a second (text) to half a second (a table), and what
a person controls (the range; up to clinician.MAX_EPISODES episodes, with notes of up to
MAX_NOTE_LENGTH characters) can ask for a thousand pages. So the render runs where it
can be stopped: a process of its own (journal.reports.pdf_child), forked from a renderer
server with WeasyPrint already loaded, which limits its own address space and CPU time
before it renders and is killed when the wall-clock limit passes. Loading Python,
Django and WeasyPrint's libraries takes a second or two; the server pays that once per
app process, so a render starts at once (bench/report.py measures both).
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import signal
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

from journal.accounts import ratelimit
from journal.reports import pdf_child

logger = logging.getLogger(__name__)

# A base URL that names no real host: every relative link in the report resolves under
# it, and the fetcher below serves only static files from there.
BASE_URL = "https://report.crampjournal.invalid/"
# A render's place is held a little longer than the render may take, so that a place
# whose server died is freed soon, and a live one never before it is given back.
LEASE_MARGIN_SECONDS = 30
# The "at once" counters (journal.accounts.ratelimit.slot): one per person, one for the site.
SITE_KEY = "pdf-render:site"


def person_key(owner_id: int) -> str:
    return f"pdf-render:{owner_id}"


class BlockedFetch(ValueError):
    """The PDF asked for something that is not one of the project's static files."""


class TooLarge(Exception):
    """The render passed its time or memory limit and was stopped."""


class Busy(Exception):
    """No place to render now: the person's one is taken, or all of the site's."""

    def __init__(self, site_wide: bool) -> None:
        super().__init__("site busy" if site_wide else "person busy")
        self.site_wide = site_wide


def url_fetcher(url: str) -> dict:
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    static = settings.STATIC_URL
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
        static
    ):
        raise BlockedFetch(f"not fetched: {url}")
    relative = parts.path[len(static) :]
    if ".." in relative.split("/"):
        raise BlockedFetch(f"not fetched: {url}")
    try:
        # Collected (hashed) names under `make serve`, the source folders otherwise.
        path = _collected(relative) or finders.find(relative)
    except SuspiciousFileOperation:
        path = None
    if not path:
        raise BlockedFetch(f"no such static file: {parts.path}")
    with open(path, "rb") as file:
        data = file.read()
    mime = "text/css" if path.endswith(".css") else None
    return {"string": data, "mime_type": mime, "redirected_url": url}


def _collected(relative: str) -> str | None:
    if not settings.STATIC_ROOT or not staticfiles_storage.exists(relative):
        return None
    return staticfiles_storage.path(relative)


# PDF/UA-1 (ISO 14289-1): a tagged PDF, its structure tree made from the HTML's elements
# (headings, paragraphs, tables with their header cells, lists), with the document's
# language (<html lang>) and its title (<title>) in the metadata, shown as the window's
# title. A screen reader reads it in order; tagging costs about a tenth of the render.
PDF_VARIANT = "pdf/ua-1"


def write_pdf(html: str) -> bytes:
    """The PDF, made in this process, without limits: for the child process only."""
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT)


# Renders are forked from a server process with WeasyPrint loaded (journal.reports.pdf_child).
_RENDERERS = multiprocessing.get_context("forkserver")
_RENDERERS.set_forkserver_preload(["journal.reports.pdf_server"])


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``, made by a process of its own that is stopped past
    settings.PDF_RENDER_SECONDS or PDF_RENDER_MEMORY_MB (TooLarge then)."""
    seconds = settings.PDF_RENDER_SECONDS
    receive, send = _RENDERERS.Pipe(duplex=False)
    child = _RENDERERS.Process(
        target=pdf_child.render,
        args=(send, html, max(1, math.ceil(seconds)), settings.PDF_RENDER_MEMORY_MB),
        daemon=True,
    )
    try:
        child.start()  # the first in this process also starts the server: not timed
        send.close()
        sent = receive.poll(seconds)
        if not sent:
            child.kill()
            logger.warning("PDF render stopped after %s s", seconds)
            raise TooLarge(f"over {seconds} s")
        data = b""
        with contextlib.suppress(EOFError):  # it ended without a word: a limit, or a crash
            data = receive.recv_bytes()
            if data.startswith(b"%PDF-"):
                peak_kb, cpu_seconds = receive.recv_bytes().split()
                logger.info(
                    "PDF rendered; renderer peak RSS %d MB, CPU %.2f s",
                    int(peak_kb) // 1024,
                    float(cpu_seconds),
                )
    finally:
        receive.close()
        child.join(5)
        if child.exitcode is None:
            child.kill()
            child.join()
    if child.exitcode == 0 and data.startswith(b"%PDF-"):
        return data
    if child.exitcode == pdf_child.OUT_OF_MEMORY or (child.exitcode or 0) < 0:
        # A signal: SIGXCPU or SIGKILL from the CPU limit, or SIGABRT/SIGSEGV from a C
        # library that could not allocate under the memory limit.
        code = child.exitcode
        why = "out of memory" if code == pdf_child.OUT_OF_MEMORY else _signal(code)
        logger.warning("PDF render stopped: %s", why)
        raise TooLarge(why)
    # The renderer sends only an exception's name: its message could quote the report.
    last = data.decode(errors="replace") if data else "no message"
    raise RuntimeError(f"the PDF renderer failed with status {child.exitcode}: {last}")


def _signal(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


@contextlib.contextmanager
def place(owner_id: int) -> Iterator[None]:
    """A place for one render of this person's journal: their only one, and one of the
    site's PDF_RENDERS_AT_ONCE. Raises Busy when either is taken."""
    lease = settings.PDF_RENDER_SECONDS + LEASE_MARGIN_SECONDS
    with ratelimit.slot(person_key(owner_id), 1, lease) as mine:
        if not mine:
            raise Busy(site_wide=False)
        with ratelimit.slot(SITE_KEY, settings.PDF_RENDERS_AT_ONCE, lease) as ours:
            if not ours:
                raise Busy(site_wide=True)
            yield
