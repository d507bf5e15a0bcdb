"""When to see a clinician: the person's flags, their history, and the guidance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from journal.models import Episode, FlagKind, FlagReview
from journal.patterns import flags, guidance, stats
from journal.patterns.thresholds import threshold


def _current(request: HttpRequest) -> flags.Reviewed:
    zone = request.zone
    first = stats.first_day(request.user)
    return flags.current(request.user, timezone.localdate(), zone, first)


def flags_page(request: HttpRequest) -> HttpResponse:
    reviewed = _current(request)
    shown = reviewed.active + [flag for flag, _ in reviewed.discussed]
    ids = {pk for flag in shown for pk in flag.episode_ids}
    episodes = Episode.objects.for_user(request.user).filter(pk__in=ids).order_by("started_at")
    by_pk = {episode.pk: episode for episode in episodes}
    # .get: an episode deleted between the two queries is simply left out.
    active = [
        (flag, [by_pk[pk] for pk in flag.episode_ids if pk in by_pk]) for flag in reviewed.active
    ]
    context = {
        "active": active,
        # The heaviest flag open, the others folded under it: a phone's page stays short.
        "folded": flags.fold(active),
        "discussed": reviewed.discussed,
        "history": reviewed.history,
        "reasons": guidance.SEEK_ADVICE,
        "lookback_days": int(threshold("LOOKBACK_DAYS")),
    }
    return render(request, "flags/flags.html", context)


@require_POST
def flag_discussed(request: HttpRequest, kind: str) -> HttpResponse:
    """Mark a current flag as discussed with a clinician, up to its newest episode."""
    if kind not in FlagKind.values:
        raise Http404
    # Worked out again here, never taken from the form: the mark covers what the
    # person saw, and no more.
    flag = next((f for f in _current(request).active if f.kind == kind), None)
    if flag is None:
        messages.info(request, "That flag is not showing any more, so there is nothing to mark.")
        return redirect("flags")
    FlagReview.objects.create(
        owner=request.user,
        kind=kind,
        discussed_on=timezone.localdate(),
        through_episode_id=flag.newest_episode_id,
    )
    messages.success(
        request,
        f"Marked “{flag.title}” as discussed. It will come back if new episodes meet its rule.",
    )
    return redirect("flags")


@login_not_required
def explained(request: HttpRequest) -> HttpResponse:
    """Cramps explained: causes, prevention, relief and when to seek advice."""
    context = {
        "causes": guidance.CAUSES,
        "prevention": guidance.PREVENTION,
        "relief": guidance.relief_steps(""),
        "hamstring": guidance.relief_steps("hamstring")[:2],
        "reasons": guidance.SEEK_ADVICE,
        "documents": guidance.DOCUMENTS,
    }
    return render(request, "guidance/explained.html", context)
