"""Confirm it's you: what takes data away, shares it or could lock the owner out needs a
proof (the password, with the code when two-factor is on, or a passkey) at most
SENSITIVE_MINUTES old, however long the session has lasted. Signing in is such a proof;
so is the confirm page (journal.accounts.views.confirm).

A view marked ``@confirm.required`` sends a person without a recent proof to the
confirm page, and back afterwards: a page opens again; a form sent is shown again with
what they had typed (``carried``), ready to send. Passwords, codes and files are never
carried: they are typed, or chosen, again. The carried values wait in the server-side
session, never in the address, and only until the proof (or the next one asked for).

A download (``download=`` names the file) brings the person back to the page they asked
for it on (``form_page``), with its options filled in, and that page starts the download
once (``pending_download``): a marker in the session, set by the proof and taken by the
first visit to that page, so a reload or a later visit downloads nothing.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

PROVED_AT = "cj_proved_at"
# For a page already open when its proof grew old (the passkey page's script).
AGAIN = "It has been a while since you confirmed it's you. Open this page again to confirm."
_RESUME = "cj_resume"
_PENDING = "cj_pending_download"
# Fields never kept in the session to be shown again.
_SECRET_PARTS = ("password", "code", "token", "credential")


def proved(request: HttpRequest) -> None:
    """A proof was given now: at sign-in, or on the confirm page."""
    request.session[PROVED_AT] = time.time()


def is_recent(request: HttpRequest) -> bool:
    proved_at = request.session.get(PROVED_AT)
    try:
        age = time.time() - float(proved_at)
    except (TypeError, ValueError):
        return False
    # A proof a little "in the future" was given on an app server whose clock is ahead.
    return age <= settings.SENSITIVE_MINUTES * 60


def _kept_values(post: QueryDict) -> list[list[str]]:
    return [
        [name, value]
        for name, values in post.lists()
        if name != "csrfmiddlewaretoken" and not any(p in name for p in _SECRET_PARTS)
        for value in values
    ]


def required(
    view: Callable | None = None, *, form_page: str | None = None, download: str | None = None
):
    """Mark a view as needing a recent proof. ``form_page``: the URL name of the page
    whose form (or link) leads here, when that is another page (the report's PDF button
    lives on the report page); a form sent without a recent proof is shown again there.
    ``download``: what the view's file is, in words ("your episodes (CSV)"); after the
    proof the person is back on ``form_page`` and the download starts there."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if is_recent(request):
                return view(request, *args, **kwargs)
            if request.method == "POST":
                path = reverse(form_page) if form_page else request.path
                data = _kept_values(request.POST)
            else:
                path, data = request.get_full_path(), None
            resume = {"path": path, "data": data, "at": time.time()}
            if download is not None:
                # Back to the page the file is asked for on, not to a file download that
                # would leave the confirm page on the screen.
                if form_page and request.method == "GET":
                    resume["path"] = reverse(form_page)
                resume["download"] = {
                    "path": request.get_full_path() if request.method == "GET" else request.path,
                    "post": request.method == "POST",
                    "data": data or [],
                    "what": download,
                }
            request.session[_RESUME] = resume
            return redirect("confirm")

        wrapped.confirm_required = True
        return wrapped

    return decorate(view) if view is not None else decorate


def _resume(request: HttpRequest) -> dict | None:
    """Where the person was going, while it is fresh: a confirm page left open for long
    leads home, and a form abandoned then is not filled in later."""
    resume = request.session.get(_RESUME)
    if not isinstance(resume, dict):
        return None
    try:
        fresh = time.time() - float(resume.get("at")) <= settings.SENSITIVE_MINUTES * 60
    except (TypeError, ValueError):
        fresh = False
    path = str(resume.get("path", ""))
    if not fresh or not _own(path):
        request.session.pop(_RESUME, None)
        return None
    return resume


def where_next(request: HttpRequest) -> str:
    """After a proof: the page the person was on their way to (home if none)."""
    resume = _resume(request)
    if resume is None:
        return reverse("home")
    if isinstance(resume.get("download"), dict):
        # Only now, after the proof: the page it leads to starts the download.
        request.session[_PENDING] = resume["download"] | {
            "page": resume["path"],
            "at": time.time(),
        }
        resume.pop("download")
        request.session.modified = True
    if not resume.get("data"):
        request.session.pop(_RESUME, None)
    return resume["path"]


def resuming_form(request: HttpRequest) -> bool:
    """Whether a form's values wait to be shown again after the proof."""
    resume = _resume(request)
    return resume is not None and bool(resume.get("data"))


def resuming_download(request: HttpRequest) -> str | None:
    """What file waits to be downloaded after the proof, in words; else None."""
    resume = _resume(request)
    download = resume.get("download") if resume is not None else None
    return str(download.get("what")) if isinstance(download, dict) else None


def carried(request: HttpRequest) -> QueryDict | None:
    """What the person had typed into the form of this page before being asked to
    confirm it's you, once, for the form to show again; else None."""
    if request.method != "GET":
        return None
    resume = _resume(request)
    if resume is None or resume.get("path") != request.path:
        return None
    request.session.pop(_RESUME)
    data = QueryDict(mutable=True)
    for name, value in resume.get("data") or []:
        data.appendlist(str(name), str(value))
    return data or None


@dataclass(frozen=True)
class PendingDownload:
    """A download to start on the page the person came back to after a proof."""

    path: str
    post: bool
    fields: list[tuple[str, str]]
    what: str


def _own(path: str) -> bool:
    # Only this site's own paths (a protocol-relative "//host/" is another site's).
    return path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None)


def pending_download(request: HttpRequest) -> PendingDownload | None:
    """The download this page is to start, once, right after a proof; else None. A page
    that calls this must not be cached (``never_cache``): going back to it must not start
    the download again."""
    pending = request.session.get(_PENDING)
    if not isinstance(pending, dict) or pending.get("page") != request.path:
        return None
    request.session.pop(_PENDING)
    try:
        fresh = time.time() - float(pending.get("at")) <= settings.SENSITIVE_MINUTES * 60
    except (TypeError, ValueError):
        fresh = False
    path = str(pending.get("path", ""))
    if not fresh or not _own(path) or not is_recent(request):
        return None
    fields = [(str(name), str(value)) for name, value in pending.get("data") or []]
    return PendingDownload(path, bool(pending.get("post")), fields, str(pending.get("what")))
