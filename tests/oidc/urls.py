"""The dashboard's URLs as AUTH_MODE=oidc mounts them (tests run with the dev-mode URLconf)."""

from dashboard.urls import OIDC_URLS, handler404, handler500
from dashboard.urls import urlpatterns as dashboard_urls

urlpatterns = [*dashboard_urls, OIDC_URLS]

__all__ = ["handler404", "handler500", "urlpatterns"]
