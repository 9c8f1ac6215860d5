"""URLs of the OpenID Connect sign-in (AUTH_MODE=oidc), mounted under oidc/ by dashboard.urls.

The same three URLs and names as ``mozilla_django_oidc.urls`` (its backend reverses
``oidc_authentication_callback``), but with our views: that module picks its view classes from
settings once, at import, and cannot swap its logout view. Plus the page that says "signed out",
where the provider sends the browser back after signing out there too.
"""

from django.urls import path

from contacts_ui.identity import oidc

urlpatterns = [
    path("authenticate/", oidc.SignInView.as_view(), name="oidc_authentication_init"),
    path("callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("logout/", oidc.SignOutView.as_view(), name="oidc_logout"),
    path("signed-out/", oidc.signed_out, name="oidc_signed_out"),
]
