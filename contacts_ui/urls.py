"""URLs of the contacts pages."""

from django.urls import path, register_converter

from contacts_ui.views import contacts


class RecordIdConverter:
    """Match CRM record ids only (prefix and opaque token), so junk never reaches the CRM."""

    regex = r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordIdConverter, "record_id")

app_name = "contacts"
urlpatterns = [
    path("", contacts.contact_list, name="list"),
    path("<record_id:contact_id>/", contacts.contact_detail, name="detail"),
]
