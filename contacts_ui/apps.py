import http.cookies

from django.apps import AppConfig


class ContactsUiConfig(AppConfig):
    name = "contacts_ui"
    verbose_name = "Contacts dashboard"

    def ready(self) -> None:
        # Python 3.14 knows the cookie attribute "Partitioned" (CHIPS); 3.11 does not. Teach it,
        # so cookies can carry it when the dashboard runs inside another site's iframe.
        if "partitioned" not in http.cookies.Morsel._reserved:  # type: ignore[attr-defined]
            http.cookies.Morsel._reserved["partitioned"] = "Partitioned"  # type: ignore[attr-defined]
            http.cookies.Morsel._flags.add("partitioned")  # type: ignore[attr-defined]
