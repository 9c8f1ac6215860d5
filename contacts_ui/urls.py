"""URLs of the contacts pages."""

from django.urls import path, register_converter

from contacts_ui.views import contact_detail, contact_list, edit, inline_edit, relationships


class RecordIdConverter:
    """Match CRM record ids only (prefix and opaque token), so junk never reaches the CRM."""

    regex = r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordIdConverter, "record_id")


class RelationshipKeyConverter:
    """Match relationship keys as the CRM names them: ``$account``, ``champion-contact``."""

    regex = r"\$?[A-Za-z0-9][A-Za-z0-9_-]{0,99}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RelationshipKeyConverter, "relationship_key")
# Field keys are spelled the same way (``$title``, ``lead-score``).
register_converter(RelationshipKeyConverter, "field_key")

app_name = "contacts"
urlpatterns = [
    path("", contact_list.contact_list, name="list"),
    path("columns/", contact_list.choose_columns, name="columns"),
    path("step/", contact_list.step, name="step"),
    path("definitions/refresh/", contact_list.refresh_definitions, name="refresh-definitions"),
    # Before the id pattern: the id converter would match "new".
    path("new/", edit.contact_create, name="new"),
    path("new/duplicates/", edit.duplicate_check, name="duplicates"),
    path("new/accounts/", edit.account_options, name="account-options"),
    path("preview/", edit.markdown_preview, name="markdown-preview"),
    path("<record_id:contact_id>/", contact_detail.contact_detail, name="detail"),
    path("<record_id:contact_id>/edit/", edit.contact_edit, name="edit"),
    path(
        "<record_id:contact_id>/fields/<field_key:key>/",
        inline_edit.contact_field,
        name="field",
    ),
    path(
        "<record_id:contact_id>/fields/<field_key:key>/edit/",
        inline_edit.field_editor,
        name="field-edit",
    ),
    path(
        "<record_id:contact_id>/relationships/<relationship_key:key>/",
        relationships.change_relationship,
        name="relationships",
    ),
    path(
        "<record_id:contact_id>/relationships/<relationship_key:key>/search/",
        relationships.search_relationship,
        name="relationship-search",
    ),
]
