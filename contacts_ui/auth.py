"""Who is signed in.

AUTH_MODE=dev signs every request in as the demo user. dashboard.config refuses dev mode unless
DEBUG is on, the backend is the sandbox, or the CRM is on a loopback address.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from dashboard.config import AuthMode

DEMO_USERNAME = "demo"
DEMO_EMAIL = "demo@example.com"


class DevAuthMiddleware:
    """Attach the demo user to every request when AUTH_MODE=dev."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.DASHBOARD_AUTH_MODE is AuthMode.DEV
        self._user_id: int | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.enabled:
            request.user = self._demo_user()
        return self.get_response(request)

    def _demo_user(self):  # type: ignore[no-untyped-def]
        user_model = get_user_model()
        if self._user_id is not None:
            user = user_model.objects.filter(pk=self._user_id).first()
            if user is not None:
                return user
        user, _ = user_model.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"email": DEMO_EMAIL, "first_name": "Demo", "last_name": "User"},
        )
        self._user_id = user.pk
        return user
