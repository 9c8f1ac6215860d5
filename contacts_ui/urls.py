"""URLs of the contacts pages."""

from django.urls import path, register_converter

from contacts_ui.views import contact_detail, contact_list, edit, inline_edit, relationships

# Dot segments, and the names of pages that sit where an id would.
_UNLINKABLE_IDS = frozenset({".", "..", "new", "columns", "step", "preview"})


class RecordIdConverter:
    """Match any id the CRM may send: one non-empty path segment other than "." or "..".

    The CRM's ids are opaque; a narrower pattern made reverse() fail (a 500) for an id with a
    dot or a space. Django percent-encodes the value when it builds the URL and decodes it
    when it resolves one, and the client quotes ids again on the way to the CRM. A "/" cannot
    survive that round trip (the server decodes %2F before routing), so such ids get no link.
    """

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        if value in {".", ".."}:
            raise ValueError("dot segments are not ids")
        return value

    def to_url(self, value: str) -> str:
        # Browsers collapse dot segments, so "." and ".." could never reach the page; the
        # fixed pages listed before the id pattern would shadow an id spelled like them.
        if not value or value in _UNLINKABLE_IDS or "/" in value:
            raise ValueError("this id cannot be part of a URL")
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


class FieldKeyConverter:
    """Match any field key the CRM may define (``$title``, ``lead-score``, a HighLevel id).

    Keys come from the CRM's definitions, so they are as opaque as ids: any one path segment
    other than a dot segment. A key that cannot be in a URL gets no edit control, never a 500.
    """

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        if value in {".", ".."}:
            raise ValueError("dot segments are not field keys")
        return value

    def to_url(self, value: str) -> str:
        if not value or value in {".", ".."} or "/" in value:
            raise ValueError("this key cannot be part of a URL")
        return value


register_converter(FieldKeyConverter, "field_key")

app_name = "contacts"
urlpatterns = [
    path("", contact_list.contact_list, name="list"),
    path("columns/", contact_list.choose_columns, name="columns"),
    path("step/", contact_list.step, name="step"),
    path("names/", contact_list.related_names, name="names"),
    path("definitions/refresh/", contact_list.refresh_definitions, name="refresh-definitions"),
    # Before the id pattern: the id converter would match "new".
    path("new/", edit.contact_create, name="new"),
    path("new/duplicates/", edit.duplicate_check, name="duplicates"),
    path(
        "new/relationships/<relationship_key:key>/search/",
        relationships.search_for_new_contact,
        name="new-relationship-search",
    ),
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
