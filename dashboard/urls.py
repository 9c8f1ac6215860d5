"""Top-level URL map: the contacts pages live in contacts_ui."""

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView

from contacts_ui.views.audit import audit_log
from dashboard.config import AuthMode

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="contacts:list", permanent=False)),
    path("contacts/", include("contacts_ui.urls")),
    path("audit/", audit_log, name="audit"),
]

# AUTH_MODE=oidc: sign-in, callback, sign-out (the provider's redirect URI is .../oidc/callback/).
OIDC_URLS = path("oidc/", include("contacts_ui.identity.oidc_urls"))
if settings.DASHBOARD.AUTH_MODE is AuthMode.OIDC:
    urlpatterns.append(OIDC_URLS)

handler404 = "contacts_ui.views.errors.not_found"
handler500 = "contacts_ui.views.errors.server_error"
