from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from journal.forms.fields import time_zone_field
from journal.models import Profile


class SignUpForm(UserCreationForm):
    email = forms.EmailField(help_text="Used only to reset your password.")
    time_zone = time_zone_field()

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The sign-up page's script fills in the browser's zone; UTC without script.
        self.fields["time_zone"].widget.attrs["data-guess-time-zone"] = "true"

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        if commit:
            Profile.objects.update_or_create(
                user=user, defaults={"time_zone": self.cleaned_data["time_zone"]}
            )
        return user


class ProfileForm(forms.ModelForm):
    time_zone = time_zone_field()

    class Meta:
        model = Profile
        fields = ["time_zone", "fluid_unit"]
        labels = {"fluid_unit": "Fluid units"}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password
