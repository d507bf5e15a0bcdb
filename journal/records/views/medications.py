from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from journal.models import Medication
from journal.records import undo
from journal.records.forms import MedicationForm
from journal.records.views import undo as undo_views


def _owned(request: HttpRequest, pk: int) -> Medication:
    return get_object_or_404(Medication.objects.for_user(request.user), pk=pk)


def medication_list(request: HttpRequest) -> HttpResponse:
    medications = Medication.objects.for_user(request.user)
    today = timezone.localdate()
    rows = [(m, m.is_active_on(today)) for m in medications]
    return render(request, "medications/list.html", {"rows": rows})


def medication_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    medication = _owned(request, pk) if pk else Medication(owner=request.user)
    form = MedicationForm(request.POST or None, instance=medication)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved {medication.name}.")
        return redirect("medication_list")
    return render(request, "medications/form.html", {"form": form, "medication": medication})


def medication_delete(request: HttpRequest, pk: int) -> HttpResponse:
    medication = _owned(request, pk)
    if not undo_views.confirmed(request):
        return undo_views.ask(
            request,
            medication.name,
            "It leaves your list, and episodes that noted taking it no longer show it.",
            reverse("medication_list"),
        )
    name = medication.name
    message = f"Removed {name} from your list."
    return undo_views.deleted(request, undo.delete_medication(medication), message)
