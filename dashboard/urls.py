"""Top-level URL map: the contacts pages live in contacts_ui."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="contacts:list", permanent=False)),
    path("contacts/", include("contacts_ui.urls")),
]

handler404 = "contacts_ui.views.errors.not_found"
handler500 = "contacts_ui.views.errors.server_error"
