"""The contact form built from definitions: what it offers, and what it would send."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from contacts_ui.crm.models import Record
from contacts_ui.fields.formfields import FormContext
from contacts_ui.forms.contact_form import ContactForm, read_snapshot, sign_snapshot
from tests.unit.fields.support import definition, definitions

DEFINITIONS = definitions(
    {
        "score": definition("NUMBER", "Score"),
        "$name": definition("FULL_NAME", "Name"),
        "$email": definition("EMAIL", "Email", multipleValues=True),
        "$title": definition("TEXT", "Title"),
        "$phone": definition("TELEPHONE", "Phone", multipleValues=True),
        "$summary": definition("MARKDOWN", "Summary").model_copy(update={"read_only": True}),
        "hologram": definition("HOLOGRAM", "Hologram"),
        "stage": definition("SINGLE_SELECT", "Stage", options=[{"id": "opt_a", "label": "A"}]),
    }
)
SHOWN: dict[str, Any] = {
    "$name": {"firstName": "Ada", "lastName": "Lovelace"},
    "$email": ["ada@example.com"],
    "$title": "Analyst",
    "$phone": ["4978019"],  # a local number the CRM accepted once; not valid E.164 here
    "$summary": "**AI** text",
    "hologram": {"beam": 3},
    "stage": "opt_gone",  # an option since removed from the definitions
    "score": 12.5,
    "mystery": "from a field the definitions do not describe",
}


def _shown_form() -> ContactForm:
    return ContactForm(
        DEFINITIONS, context=FormContext(), shown=SHOWN, updated_at="2026-01-01T00:00:00.000Z"
    )


def _posted(changes: dict[str, list[str]] | None = None) -> ContactForm:
    """Return the form as POSTed back by a browser, with ``changes`` typed over the shown values."""
    shown = _shown_form()
    data = QueryDict(mutable=True)
    for name in ("idempotency_key", "updated_at", "snapshot"):
        data[name] = str(shown.initial[name])
    for name in shown.crm_fields:
        widget = shown.fields[name].widget
        for key, values in widget.data_for(name, shown.initial.get(name)).items():
            data.setlist(key, values)
    for key, values in (changes or {}).items():
        data.setlist(key, values)
    return ContactForm(
        DEFINITIONS, data, context=FormContext(), shown=read_snapshot(data["snapshot"])
    )


def test_system_fields_come_first_then_custom_fields_in_definition_order() -> None:
    sections = _shown_form().sections()
    assert [title for title, _ in sections] == ["Fields", "Custom fields"]
    system = [row.bound.name if row.bound else row.read_only.key for row in sections[0][1]]
    assert system == ["fields.$name", "fields.$email", "fields.$title", "fields.$phone", "$summary"]


def test_read_only_fields_and_unknown_types_are_shown_without_an_input() -> None:
    form = _shown_form()
    assert set(form.read_only_rows) == {"$summary", "hologram", "mystery"}
    assert "fields.$summary" not in form.fields
    assert "fields.hologram" not in form.fields


def test_an_untouched_form_changes_nothing() -> None:
    form = _posted()
    assert form.is_valid(), form.errors
    assert form.to_api_changes() == {}


def test_only_the_changed_field_is_sent() -> None:
    form = _posted({"fields.$title": ["Chief Analyst"]})
    assert form.is_valid(), form.errors
    assert form.to_api_changes() == {"$title": "Chief Analyst"}


def test_a_cleared_field_is_sent_as_null() -> None:
    form = _posted({"fields.$title": [""], "fields.$email": [""]})
    assert form.is_valid(), form.errors
    assert form.to_api_changes() == {"$title": None, "$email": None}


def test_read_only_and_unknown_fields_are_never_sent_even_if_posted() -> None:
    form = _posted(
        {"fields.$summary": ["hacked"], "fields.hologram": ["x"], "fields.$title": ["T"]}
    )
    assert form.is_valid(), form.errors
    assert form.to_api_changes() == {"$title": "T"}


def test_a_stored_value_the_form_would_reject_does_not_block_other_changes() -> None:
    form = _posted({"fields.score": ["13"]})
    assert form.is_valid(), form.errors
    assert form.to_api_changes() == {"score": 13}


def test_a_stale_option_stays_selectable_so_it_is_not_cleared_silently() -> None:
    html = str(_shown_form()["fields.stage"])
    assert '<option value="opt_gone" selected>' in html


def test_a_compound_value_is_sent_whole_when_one_part_changes() -> None:
    form = _posted({"fields.$name_lastName": ["Byron"]})
    assert form.is_valid(), form.errors
    assert form.to_api_changes() == {"$name": {"firstName": "Ada", "lastName": "Byron"}}


def test_the_idempotency_key_posted_with_the_form_is_rendered_again_after_a_failed_save() -> None:
    posted = _posted({"fields.score": ["1.234"]})
    assert not posted.is_valid()
    key = posted.data["idempotency_key"]
    assert posted.form_key == key
    assert f'value="{key}"' in str(posted["idempotency_key"])


def test_a_missing_idempotency_key_is_replaced_by_a_fresh_one() -> None:
    posted = _posted({"idempotency_key": ["not-a-uuid"]})
    assert posted.form_key != "not-a-uuid"
    assert len(posted.form_key) == 36


def test_a_tampered_snapshot_is_rejected() -> None:
    token = sign_snapshot({"$title": "Analyst"})
    assert read_snapshot(token) == {"$title": "Analyst"}
    assert read_snapshot(token[:-2] + "xx") is None
    assert read_snapshot("") is None


def test_conflicts_are_fields_both_people_changed_to_different_values() -> None:
    form = _posted({"fields.$title": ["Mine"], "fields.score": ["1"]})
    assert form.is_valid()
    current = Record.model_validate(
        {
            "id": "con_1",
            "updatedAt": "2026-02-01T00:00:00.000Z",
            "fields": {
                **{k: {"valueType": "X", "value": v} for k, v in SHOWN.items()},
                "$title": {"valueType": "TEXT", "value": "Theirs"},
                "score": {"valueType": "NUMBER", "value": 1},
                "$email": {"valueType": "EMAIL", "value": ["other@example.com"]},
            },
        }
    )
    assert form.changed_elsewhere(current) == {"$title", "score", "$email"}
    # score: both typed 1, so it is no conflict; $email: only they changed it.
    assert form.conflicts_with(current) == ["$title"]
