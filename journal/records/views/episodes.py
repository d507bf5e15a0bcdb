from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from journal import formatting
from journal.accounts.sessions import keep_offer
from journal.models import Episode, Medication
from journal.patterns import flags, guidance
from journal.records import services, undo
from journal.records.forms import (
    EpisodeFilterForm,
    EpisodeForm,
    QuickLogForm,
    TimerStartForm,
    TimerStopForm,
)
from journal.records.queries import filter_episodes
from journal.records.views import undo as undo_views

# Filters live in the session, not the query string: a URL like ?region=calf would
# put health details into browser history and server logs.
FILTER_SESSION_KEY = "episode_filter"
# The episode just logged, so its page opens with the relief steps (a session key, not a
# query parameter, for the same reason).
JUST_LOGGED_SESSION_KEY = "just_logged"


def _owned(request: HttpRequest, pk: int) -> Episode:
    return get_object_or_404(Episode.objects.for_user(request.user), pk=pk)


def _saved_before(request: HttpRequest, episode: Episode) -> HttpResponse:
    """A form sent again (double tap, retry): show what the first send saved."""
    messages.info(request, "This cramp was already saved; it is shown here.")
    return redirect("episode_timer" if episode.ongoing else "episode_detail", pk=episode.pk)


def episode_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(FILTER_SESSION_KEY, None)
            return redirect("episode_list")
        form = EpisodeFilterForm(request.POST)
        if form.is_valid():
            request.session[FILTER_SESSION_KEY] = request.POST.dict()
            return redirect("episode_list")
    else:
        form = EpisodeFilterForm(request.session.get(FILTER_SESSION_KEY) or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    episodes = filter_episodes(Episode.objects.for_user(request.user), filters)
    page = Paginator(episodes, 20).get_page(request.GET.get("page"))
    context = {"page": page, "filter_form": form, "filtered": bool(filters)}
    return render(request, "episodes/list.html", context)


def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_object_or_404(
        Episode.objects.for_user(request.user).prefetch_related(
            "triggers", "symptoms", "reliefs", "medications_taken"
        ),
        pk=pk,
    )
    local_day = timezone.localtime(episode.started_at).date()
    active_medications = Medication.objects.for_user(request.user).active_on(local_day)
    symptoms = [s.symptom for s in episode.symptoms.all()]
    context = {
        "episode": episode,
        "active_medications": active_medications,
        "unit": request.profile.fluid_unit,
        "concerns": flags.episode_concerns(episode.intensity, symptoms),
        "relief_steps": guidance.relief_steps(episode.body_region),
        "just_logged": request.session.pop(JUST_LOGGED_SESSION_KEY, None) == episode.pk,
    }
    # Right after a cramp is logged on a phone: offer to stay signed in on it.
    if context["just_logged"] and keep_offer.should_ask(request):
        context["keep_question"] = keep_offer.question()
    return render(request, "episodes/detail.html", context)


def episode_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The full form, for a new episode or to edit one."""
    episode = _owned(request, pk) if pk else Episode(owner=request.user)
    unit = request.profile.fluid_unit
    initial = {} if pk else services.last_region_and_side(request.user)
    form = EpisodeForm(request.POST or None, instance=episode, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        if pk:
            episode = form.save()
        else:
            episode, created = services.save_new_episode(form, request.user)
            if not created:
                return _saved_before(request, episode)
            request.session[JUST_LOGGED_SESSION_KEY] = episode.pk
        messages.success(request, "Episode saved.")
        return redirect("episode_detail", pk=episode.pk)
    return render(request, "episodes/form.html", {"form": form, "episode": episode})


def episode_delete(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _owned(request, pk)
    if not undo_views.confirmed(request):
        return undo_views.ask(
            request,
            "this episode",
            f"The {episode.get_body_region_display().lower()} cramp logged for "
            f"{formatting.local_datetime(episode.started_at)}, with all its details.",
            episode.get_absolute_url(),
        )
    return undo_views.deleted(request, undo.delete_episode(episode), "Episode deleted.")


def quick_log(request: HttpRequest) -> HttpResponse:
    """One screen with everything preset: open it, tap Save."""
    return _log_preset(request, QuickLogForm, "episodes/quick.html")


def timer_start(request: HttpRequest) -> HttpResponse:
    """'A cramp is happening': start a timer now; stopping it sets the duration."""
    return _log_preset(request, TimerStartForm, "episodes/timer_start.html", ongoing=True)


def _log_preset(
    request: HttpRequest, form_class: type, template: str, *, ongoing: bool = False
) -> HttpResponse:
    """The quick log and the timer: a short form preset with the last region and side.
    A cramp still going opens its timer; a finished one its page, with the relief steps."""
    episode = Episode(owner=request.user, ongoing=ongoing)
    initial = services.last_region_and_side(request.user)
    form = form_class(request.POST or None, instance=episode, initial=initial)
    if request.method == "POST" and form.is_valid():
        episode, created = services.save_new_episode(form, request.user)
        if not created:
            return _saved_before(request, episode)
        if episode.ongoing:
            return redirect("episode_timer", pk=episode.pk)
        request.session[JUST_LOGGED_SESSION_KEY] = episode.pk
        messages.success(request, "Cramp logged. Add details now or later.")
        return redirect("episode_detail", pk=episode.pk)
    return render(request, template, {"form": form})


def episode_timer(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _owned(request, pk)
    if not episode.ongoing:
        return redirect("episode_detail", pk=pk)
    form = TimerStopForm(instance=episode)
    return render(request, "episodes/timer.html", {"episode": episode, "form": form})


@require_POST
def episode_stop(request: HttpRequest, pk: int) -> HttpResponse:
    episode = _owned(request, pk)
    if not episode.ongoing:
        return redirect("episode_detail", pk=pk)
    form = TimerStopForm(request.POST, instance=episode)
    if not form.is_valid():
        return render(request, "episodes/timer.html", {"episode": episode, "form": form})
    episode = form.save(commit=False)
    if not services.stop_episode(episode):
        messages.warning(
            request,
            "That cramp began over 24 hours ago, so the timer can't time it. "
            "Enter how long it lasted instead.",
        )
        return redirect("episode_edit", pk=pk)
    request.session[JUST_LOGGED_SESSION_KEY] = episode.pk
    messages.success(request, "Timer stopped and saved. Add details now or later.")
    return redirect("episode_detail", pk=pk)
