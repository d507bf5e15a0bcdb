"""Authentication backend: the signed-in person's profile comes with them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser


class ProfileModelBackend(ModelBackend):
    """ModelBackend that loads the profile in the same query as the user.

    Every page needs the profile (for the time zone), so this saves a query per request.
    """

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("profile").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
