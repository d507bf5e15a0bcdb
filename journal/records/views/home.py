from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from journal.models import CheckIn, Episode


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; the person's start page once signed in."""
    if not request.user.is_authenticated:
        return render(request, "home/landing.html")
    episodes = Episode.objects.for_user(request.user)
    context = {
        "ongoing": episodes.filter(ongoing=True),
        "recent": episodes.filter(ongoing=False)[:5],
        "checked_in_today": CheckIn.objects.for_user(request.user)
        .filter(date=timezone.localdate())
        .exists(),
    }
    return render(request, "home/home.html", context)
