"""Compound and multi-value form fields: full names, addresses, lists of emails or phones.

Django's MultiValueField + MultiWidget pattern (``compress``/``decompress``, one error per
part, a fieldset per compound input).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from babel import Locale
from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts_ui.fields import widgets as w
from contacts_ui.fields.display import is_empty
from contacts_ui.fields.formfields import (
    EMPTY_CHOICE,
    NOT_ISO_3166_1,
    TEXT_ATTRS,
    CRMFieldMixin,
    choice_pairs,
)


class RowsField(CRMFieldMixin, forms.Field):
    """Clean a list of values (several emails, phones or URLs), one item field per row.

    Items the CRM already held are kept as they were, without re-validation, when the person
    adds or removes another row. Repeats are dropped (the CRM ignores them, case-insensitively).
    """

    widget = w.RowsWidget

    def __init__(self, item_field: forms.Field, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.item_field = item_field
        self.shown_items: dict[str, str] = {}

    def show(self, value: Any, raw: Any) -> None:
        super().show(value, raw)
        items = list(value or ())
        self.shown_items = dict(zip(raw or (), items, strict=False))

    def to_python(self, value: Any) -> list[str]:
        if value in self.empty_values:
            return []
        raw_items = value if isinstance(value, list | tuple) else [value]
        cleaned: list[str] = []
        errors: list[ValidationError] = []
        for raw in raw_items:
            if raw in self.shown_items:
                item = self.shown_items[raw]
            else:
                try:
                    item = self.item_field.clean(raw)
                except ValidationError as exc:
                    errors.extend(_about_item(exc, raw))
                    continue
            if item and item.casefold() not in {c.casefold() for c in cleaned}:
                cleaned.append(item)
        if errors:
            raise ValidationError(errors)
        return cleaned

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return list(initial or ()) != self.to_python(data)
        except ValidationError:
            return True


def _about_item(exc: ValidationError, raw: str) -> list[ValidationError]:
    """Name the row a message is about, unless the message already quotes it."""
    messages = []
    for message in exc.messages:
        text = message if raw.strip() in message else f"“{raw.strip()}”: {message}"
        messages.append(ValidationError(text, code="invalid_item"))
    return messages


class FullNameField(CRMFieldMixin, forms.MultiValueField):
    """First and last name in one fieldset; the CRM takes them as one object."""

    PARTS = (("firstName", _("First name")), ("lastName", _("Last name")))

    def __init__(self, **kwargs: Any) -> None:
        fields = tuple(forms.CharField(required=False, max_length=200) for _ in self.PARTS)
        widget = w.LabelledMultiWidget(
            {key: (label, w.TextInput(attrs=TEXT_ATTRS)) for key, label in self.PARTS}
        )
        kwargs.setdefault("require_all_fields", False)
        kwargs.setdefault("required", False)
        super().__init__(fields=fields, widget=widget, **kwargs)

    def compress(self, data_list: Sequence[Any]) -> dict[str, str | None] | None:
        if not data_list:
            return None
        name = {key: (value or None) for (key, _), value in zip(self.PARTS, data_list, strict=True)}
        return None if is_empty(name) else name


@lru_cache(maxsize=4)
def country_choices(locale: str = "en_US") -> tuple[tuple[str, str], ...]:
    """Return (ISO 3166-1 alpha-2 code, name) pairs sorted by name, from babel's CLDR data."""
    names = Locale.parse(locale).territories
    pairs = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in NOT_ISO_3166_1
    ]
    return tuple(sorted(pairs, key=lambda pair: pair[1].casefold()))


class AddressField(CRMFieldMixin, forms.MultiValueField):
    """Street to country (a choice of ISO codes), plus optional coordinates, in one fieldset."""

    TEXT_PARTS = (
        ("street", _("Street"), "200"),
        ("street2", _("Street (line 2)"), "200"),
        ("city", _("City"), "100"),
        ("state", _("State or region"), "100"),
        ("postalCode", _("Postal code"), "20"),
    )
    KEYS = (*(key for key, _, _ in TEXT_PARTS), "country", "latitude", "longitude")

    def __init__(self, **kwargs: Any) -> None:
        country = forms.ChoiceField(required=False, choices=(EMPTY_CHOICE, *country_choices()))
        fields: list[forms.Field] = [
            forms.CharField(required=False, max_length=int(size)) for _, _, size in self.TEXT_PARTS
        ]
        fields += [
            country,
            forms.FloatField(required=False, min_value=-90, max_value=90),
            forms.FloatField(required=False, min_value=-180, max_value=180),
        ]
        parts: dict[str, tuple[str | Promise, forms.Widget]] = {
            key: (label, w.TextInput(attrs=TEXT_ATTRS)) for key, label, _ in self.TEXT_PARTS
        }
        # A native select jumps to a country as its name is typed; no filter box needed.
        parts["country"] = (_("Country"), w.Select(choices=choice_pairs(country)))
        parts["latitude"] = (
            _("Latitude (optional)"),
            w.NumberInput(attrs={"step": "any", "min": "-90", "max": "90"}),
        )
        parts["longitude"] = (
            _("Longitude (optional)"),
            w.NumberInput(attrs={"step": "any", "min": "-180", "max": "180"}),
        )
        kwargs.setdefault("require_all_fields", False)
        kwargs.setdefault("required", False)
        super().__init__(fields=fields, widget=w.LabelledMultiWidget(parts), **kwargs)

    def show(self, value: Any, raw: Any) -> None:
        super().show(value, raw)
        code = value.get("country") if isinstance(value, Mapping) else None
        country_field = self.fields[len(self.TEXT_PARTS)]
        current = choice_pairs(country_field)
        if code and code not in dict(current):
            # Keep a code we cannot name selectable, or the select would silently drop it.
            choices = [*current, (code, code)]
            if isinstance(country_field, forms.ChoiceField):
                country_field.choices = choices
            self.widget.widgets[len(self.TEXT_PARTS)].choices = choices

    def compress(self, data_list: Sequence[Any]) -> dict[str, Any] | None:
        if not data_list:
            return None
        address = {
            key: (value if value not in ("", None) else None)
            for key, value in zip(self.KEYS, data_list, strict=True)
        }
        return None if is_empty(address) else address
