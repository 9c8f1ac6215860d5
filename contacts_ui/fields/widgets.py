"""Widgets of the contact form: Django's, plus rows for multi-value fields and labelled compounds.

Every widget here can also say what a browser would post for it when the person leaves it as
shown (``data_for``). The form uses that to tell a touched field from an untouched one, and the
round-trip tests use it to stand in for the browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise

from contacts_ui.fields.display import format_phone

PostData = dict[str, list[str]]


# Input types whose value a browser strips of line breaks (HTML's value sanitization), and
# those it also trims of surrounding whitespace.
_STRIPS_NEWLINES = frozenset({"text", "search", "tel", "password", "email", "url"})
_TRIMS_WHITESPACE = frozenset({"email", "url"})
_HTML_WHITESPACE = " \t\n\f\r"
# HTML's "valid floating-point number"; a number input blanks anything else.
_VALID_FLOAT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# HTML's definition of a valid e-mail address (what type=email checks before submitting).
_VALID_EMAIL = re.compile(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
_URL_VALIDATOR = URLValidator()
TEXTAREA = "textarea"


def as_posted(text: str, input_type: str) -> str:
    """Return what a browser posts for ``text`` rendered as the value of ``input_type``.

    The HTML parser folds CR and CRLF into LF (and NUL into U+FFFD), the input's value
    sanitization strips line breaks (and trims email/url, blanks a non-number), and form
    encoding sends every line break as CRLF: a textarea showing "a\nb" posts "a\r\nb".
    """
    text = text.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")
    if input_type in _STRIPS_NEWLINES:
        text = text.replace("\n", "")
    if input_type in _TRIMS_WHITESPACE:
        text = text.strip(_HTML_WHITESPACE)
    if input_type == "number" and not _VALID_FLOAT.fullmatch(text):
        text = ""
    return text.replace("\n", "\r\n")


def _refused(text: str, input_type: str, attrs: Mapping[str, Any]) -> bool:
    """Tell whether a browser would refuse to submit a form whose input holds ``text``."""
    if not text:
        return False
    if input_type == "email":
        return not _VALID_EMAIL.fullmatch(text)
    if input_type == "url":
        try:
            _URL_VALIDATOR(text)
        except ValidationError:
            return True
        return False
    if input_type == "number":
        return not _VALID_FLOAT.fullmatch(text) or not _within_number_attrs(text, attrs)
    return False


def _within_number_attrs(text: str, attrs: Mapping[str, Any]) -> bool:
    try:
        number = Decimal(text)
        low = Decimal(str(attrs["min"])) if attrs.get("min") not in (None, "") else None
        high = Decimal(str(attrs["max"])) if attrs.get("max") not in (None, "") else None
        step = str(attrs.get("step") or "1")
        base = low if low is not None else Decimal(0)
        if (low is not None and number < low) or (high is not None and number > high):
            return False
        return step == "any" or (number - base) % Decimal(step) == 0
    except (InvalidOperation, ValueError):
        return False


class DataForMixin:
    """Say which POST entries this widget produces when submitted showing ``value``."""

    def data_for(self, name: str, value: Any) -> PostData:
        """Return the POST entries a browser sends for this widget left as rendered."""
        formatted = self.format_value(value)  # type: ignore[attr-defined]
        text = "" if formatted is None else str(formatted)
        return {name: [as_posted(text, self._posted_type())]}

    def _posted_type(self) -> str:
        return str(getattr(self, "input_type", TEXTAREA))

    def refuses(self, value: Any) -> bool:
        """Tell whether the browser would block the form while this widget shows ``value``."""
        formatted = self.format_value(value)  # type: ignore[attr-defined]
        text = "" if formatted is None else str(formatted)
        attrs: Mapping[str, Any] = getattr(self, "attrs", {})
        return _refused(as_posted(text, self._posted_type()), self._posted_type(), attrs)

    def relax(self) -> None:
        """Drop the constraints a browser checks, so a stored value cannot block the form."""
        if getattr(self, "input_type", "text") in {"email", "url", "number"}:
            setattr(self, "input_type", "text")  # noqa: B010 — set on the instance only.
        attrs: dict[str, Any] = getattr(self, "attrs", {})
        for constraint in ("min", "max", "step", "pattern"):
            attrs.pop(constraint, None)


def raw_value(widget: forms.Widget, data: Mapping[str, Any], name: str) -> Any:
    """Return what ``widget`` reads from POST-like ``data`` (a dict of lists or a QueryDict)."""
    if not isinstance(data, MultiValueDict):
        data = MultiValueDict({key: list(values) for key, values in data.items()})
    return widget.value_from_datadict(data, MultiValueDict(), name)


class TextInput(DataForMixin, forms.TextInput):
    pass


class EmailInput(DataForMixin, forms.EmailInput):
    pass


class URLInput(DataForMixin, forms.URLInput):
    pass


class TelInput(DataForMixin, forms.TextInput):
    input_type = "tel"


class PhoneInput(TelInput):
    """Show a stored E.164 number (``;ext=`` and all) the way people read it."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and value:
            return format_phone(value)
        return super().format_value(value)


class NumberInput(DataForMixin, forms.NumberInput):
    pass


class HiddenInput(DataForMixin, forms.HiddenInput):
    pass


class Textarea(DataForMixin, forms.Textarea):
    pass


class MarkdownTextarea(Textarea):
    """A textarea with a "Preview" button that forms.js reveals (the preview is rendered by
    the server, sanitised, through htmx)."""

    template_name = "fields/markdown.html"

    def __init__(
        self, preview_url: str | Promise = "", attrs: dict[str, Any] | None = None
    ) -> None:
        super().__init__({"rows": 6, **(attrs or {})})
        self.preview_url = preview_url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = self.preview_url
        return context


class SuffixedInput(NumberInput):
    """Show a unit after the input (a currency code), which the help text also names."""

    template_name = "fields/suffixed.html"

    def __init__(self, suffix: str = "", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.suffix = suffix

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["suffix"] = self.suffix
        return context


class DateTimeLocalInput(DataForMixin, forms.DateTimeInput):
    """Enter a moment as the browser's local date and time (the field knows the zone)."""

    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value
        # Whole minutes read better; seconds are kept when the CRM has them. The year is padded
        # by hand: strftime writes year 5 as "5", which the input would blank.
        shown = f"{value.year:04d}-{value:%m-%dT%H:%M}"
        return f"{shown}:{value:%S}" if value.second else shown

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["value"] or ""
        if shown.count(":") == 2:
            # A value with seconds would fail the browser's default 60 s step check.
            context["widget"]["attrs"]["step"] = "1"
        return context


class CheckboxInput(forms.CheckboxInput):
    def data_for(self, name: str, value: Any) -> PostData:
        """Return ``on`` when checked; a browser sends nothing for an unchecked box."""
        return {name: ["on"]} if self.check_test(value) else {}


class Select(forms.Select):
    """A select; with ``data-searchable`` on it, forms.js adds a filter box for long lists."""

    def data_for(self, name: str, value: Any) -> PostData:
        """Return the selected option's value."""
        formatted = self.format_value(value)
        return {name: [formatted[0] if formatted else ""]}


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Tick boxes in a fieldset; with many options forms.js adds a filter box above them."""

    template_name = "fields/checkbox_multiple.html"
    searchable = False
    autofocus_first = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["searchable"] = self.searchable
        if self.autofocus_first:
            for _group, options, _index in context["widget"]["optgroups"][:1]:
                if options:
                    options[0]["attrs"] = {**options[0]["attrs"], "autofocus": True}
        return context

    def data_for(self, name: str, value: Any) -> PostData:
        """Return every ticked option's value, once: a stored repeat is one ticked box."""
        return {name: list(dict.fromkeys(str(item) for item in value or ()))}


class RowsWidget(forms.Widget):
    """Edit a list of values as one input per row, with a blank row to add one more.

    Without JavaScript, clearing a row removes it and the blank row adds one per save; with
    forms.js, "Add another" and "Remove" buttons manage the rows in place.
    """

    template_name = "fields/rows.html"
    use_fieldset = True
    autofocus_first = False

    def __init__(
        self,
        *,
        input_type: str = "text",
        item_label: str = "Value",
        format_item: Callable[[str], str] = str,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.input_type = input_type
        self.item_label = item_label
        self.format_item = format_item

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        items = value if isinstance(value, list | tuple) else [value]
        return [self.format_item(str(item)) for item in items if item not in (None, "")]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base_attrs = {k: v for k, v in widget["attrs"].items() if k not in {"id", "required"}}
        id_ = widget["attrs"].get("id") or f"id_{name}"
        values = [*widget["value"], ""]
        widget["rows"] = [
            {
                "id": f"{id_}_{index}",
                "value": item,
                "label": f"{self.item_label} {index + 1}",
                "attrs": (
                    {**base_attrs, "autofocus": True}
                    if index == 0 and self.autofocus_first
                    else base_attrs
                ),
            }
            for index, item in enumerate(values)
        ]
        widget["input_type"] = self.input_type
        widget["item_label"] = self.item_label
        widget["id"] = id_
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        if isinstance(values, str):
            values = [values]
        # The blank "add one more" row, or a row the person emptied, is not a value.
        return [item for item in values if isinstance(item, str) and item.strip()]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def data_for(self, name: str, value: Any) -> PostData:
        """Return one entry per shown row, as the browser posts each row's input."""
        return {name: [as_posted(item, self.input_type) for item in self.format_value(value)]}

    def refuses(self, value: Any) -> bool:
        """Tell whether the browser would block the form while some row shows its item."""
        return any(
            _refused(as_posted(item, self.input_type), self.input_type, self.attrs)
            for item in self.format_value(value)
        )

    def relax(self) -> None:
        """Show every row as plain text, so a stored item cannot block the form."""
        self.input_type = "text"


class LabelledMultiWidget(DataForMixin, forms.MultiWidget):
    """Lay out compound parts (first/last name, address lines) each with its own label."""

    template_name = "fields/multiwidget.html"
    use_fieldset = True
    # Set by MultiWidget.__init__ (the suffix of each part's name); the stubs do not declare it.
    widgets_names: list[str]

    def __init__(
        self,
        parts: Mapping[str, tuple[str | Promise, forms.Widget]],
        attrs: dict[str, Any] | None = None,
    ) -> None:
        self.part_keys = tuple(parts)
        self.part_labels = tuple(label for label, _ in parts.values())
        super().__init__({key: widget for key, (_, widget) in parts.items()}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if not isinstance(value, Mapping):
            return [None] * len(self.part_keys)
        return [value.get(key) for key in self.part_keys]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], self.part_labels, strict=True):
            subwidget["label"] = label
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def refuses(self, value: Any) -> bool:
        """Tell whether the browser would block the form while some part shows its value."""
        values = value if isinstance(value, list | tuple) else self.decompress(value)
        return any(
            _refuses(widget, part) for widget, part in zip(self.widgets, values, strict=True)
        )

    def relax(self) -> None:
        """Drop the constraints of every part (a part's value the browser would refuse)."""
        for widget in self.widgets:
            if hasattr(widget, "relax"):
                widget.relax()

    def data_for(self, name: str, value: Any) -> PostData:
        """Return every part's entries, named as MultiWidget names them (``name_part``)."""
        values = value if isinstance(value, list | tuple) else self.decompress(value)
        data: PostData = {}
        for suffix, widget, part in zip(self.widgets_names, self.widgets, values, strict=True):
            data.update(cast(DataForMixin, widget).data_for(name + suffix, part))
        return data


def searchable(widget: forms.Widget, options: Sequence[object], threshold: int) -> forms.Widget:
    """Mark a choice widget for forms.js's filter box when it has over ``threshold`` options."""
    if len(options) > threshold:
        if isinstance(widget, CheckboxSelectMultiple):
            widget.searchable = True
        else:
            widget.attrs["data-searchable"] = "true"
    return widget


def _refuses(widget: forms.Widget, value: Any) -> bool:
    refuses = getattr(widget, "refuses", None)
    return bool(refuses(value)) if callable(refuses) else False


def fit_to_value(widget: forms.Widget, value: Any) -> bool:
    """Relax ``widget`` if a browser would refuse to submit it showing ``value``; say if it did.

    A stored value that breaks its own input's constraints (an email that is not one, a number
    beyond the input's max) would otherwise block every other field of the form from saving.
    """
    if not _refuses(widget, value):
        return False
    relax = getattr(widget, "relax", None)
    if callable(relax):
        relax()
    return True
