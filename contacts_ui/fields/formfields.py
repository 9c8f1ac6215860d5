"""Form fields, one per Lightfield value type, built from a field definition.

Each field follows Django's discipline: ``to_python`` turns what the browser posted into a
Python value, ``validate`` and the validators check it, and the value reaches the CRM only
through contacts_ui.fields.convert. Compound values (FULL_NAME, ADDRESS) are MultiValueFields
over labelled MultiWidgets rendered as a fieldset; multi-value EMAIL/TELEPHONE/URL are rows.

A value the CRM already holds is never re-validated when the person leaves it alone: a local
phone number the CRM accepted once, or an option that has since been renamed, must not block a
save of some other field (see ``CRMFieldMixin.show``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from contacts_ui.fields import widgets as w
from contacts_ui.fields.social import SERVICES

# The API's number range (JavaScript's safe integers) and precision for NUMBER and CURRENCY.
MAX_SAFE_INTEGER = 2**53 - 1
NUMBER_DECIMAL_PLACES = 2
# Longer option lists get a filter box (forms.js); short ones are quicker to scan.
SEARCHABLE_OPTIONS = 10
EMPTY_CHOICE = ("", "—")

# CLDR names a few codes ISO 3166-1 does not assign (exceptional reservations such as AC or
# EA, private-use XA/XB/XK, groupings such as EU/UN); the CRM accepts ISO alpha-2 only.
NOT_ISO_3166_1 = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)

# Profile URLs the CRM stores per handle service, and the hosts a pasted profile URL may use.
_HANDLE = re.compile(r"^@?([A-Za-z0-9_.\-]{1,100})$")

_UNSET: Any = object()
# Contact data is someone else's: no autofill from the salesperson's own details, and text in
# right-to-left scripts (Arabic and Hebrew names) shown in its own direction.
TEXT_ATTRS = {"autocomplete": "off", "dir": "auto"}


@dataclass(frozen=True)
class FormContext:
    """Carry what a field depends on besides its definition: the viewer's zone and region."""

    tz: tzinfo = UTC
    region: str = "US"


class CRMFieldMixin:
    """Let a field accept the value the form showed, untouched, without validating it again."""

    shown_raw: Any = _UNSET
    shown_value: Any = None

    def show(self, value: Any, raw: Any) -> None:
        """Remember the value shown and what the widget posts for it when left alone."""
        self.shown_value = value
        self.shown_raw = raw

    def untouched(self, data: Any) -> bool:
        """Tell whether ``data`` is exactly what the widget posts for the shown value."""
        return self.shown_raw is not _UNSET and data == self.shown_raw

    def clean(self, value: Any) -> Any:
        if self.untouched(value):
            return self.shown_value
        return super().clean(value)  # type: ignore[misc]


STORED_VALUE_NOTE = _(
    "The CRM holds a value this field does not accept; it will be kept unless you change it."
)


class TextField(CRMFieldMixin, forms.CharField):
    # A class, or an instance: fit_to_stored swaps in a textarea for a multi-line value.
    widget: type[forms.Widget] | forms.Widget = w.TextInput

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        # A multi-line value is edited in a textarea, which posts CRLF; the CRM's text uses LF.
        return text.replace("\r\n", "\n").replace("\r", "\n")


def fit_to_stored(field: forms.Field, value: Any) -> None:
    """Adapt a field's input to the value the CRM holds, so showing it loses nothing.

    A TEXT value with line breaks gets a textarea (a text input drops them), and a value its
    input's constraints would refuse gets an input without them, plus a note: otherwise the
    browser blocks the whole form and no other field can be saved.
    """
    if isinstance(field, TextField) and isinstance(value, str) and ("\n" in value or "\r" in value):
        rows = min(max(value.count("\n") + 1, 3), 12)
        field.widget = w.Textarea(attrs={**TEXT_ATTRS, "rows": rows})
        field.widget.is_required = field.required
    if w.fit_to_value(field.widget, value):
        field.help_text = " ".join(filter(None, [str(field.help_text), str(STORED_VALUE_NOTE)]))


class MarkdownField(CRMFieldMixin, forms.CharField):
    widget = w.MarkdownTextarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        kwargs.setdefault(
            "widget",
            w.MarkdownTextarea(
                preview_url=reverse_lazy("contacts:markdown-preview"), attrs={"dir": "auto"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        # Browsers post textarea line breaks as CRLF; the CRM's text uses LF.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text if text.strip() else ""


class NumberField(CRMFieldMixin, forms.DecimalField):
    widget = w.NumberInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("decimal_places", NUMBER_DECIMAL_PLACES)
        kwargs.setdefault("min_value", -MAX_SAFE_INTEGER)
        kwargs.setdefault("max_value", MAX_SAFE_INTEGER)
        super().__init__(**kwargs)

    # Any: the stubs give DecimalField IntegerField's int-returning to_python.
    def to_python(self, value: Any) -> Any:
        number = super().to_python(value)
        if number is None or abs(number) > MAX_SAFE_INTEGER:
            return number  # out of range: the validators say so
        # "1.50" and "1.500" are the same amount; only real precision counts against the limit.
        if number == number.to_integral_value():
            return number.quantize(Decimal(1))
        return number.normalize()


class CurrencyField(NumberField):
    def __init__(self, *, currency: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", w.SuffixedInput(suffix=currency or ""))
        super().__init__(**kwargs)
        self.currency = currency


class CheckboxField(CRMFieldMixin, forms.BooleanField):
    widget = w.CheckboxInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class DateTimeField(CRMFieldMixin, forms.Field):
    """Read a local date and time in the viewer's zone into an aware datetime."""

    widget = w.DateTimeLocalInput
    input_formats = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
    default_error_messages = {
        "invalid": _("Enter a date and time, e.g. 2026-03-16 14:30."),
        "nonexistent": _("%(value)s does not exist in %(zone)s (the clocks change then)."),
    }

    def __init__(self, *, tz: tzinfo = UTC, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tz = tz

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, datetime):
            return value
        if value in self.empty_values:
            return None
        text = str(value).strip()
        for pattern in self.input_formats:
            try:
                naive = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        aware = naive.replace(tzinfo=self.tz)
        try:
            round_trip = aware.astimezone(UTC).astimezone(self.tz).replace(tzinfo=None)
        except OverflowError:
            # Year 1 east of UTC (or 9999 west of it) has no UTC moment to send.
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if round_trip != naive:
            raise ValidationError(
                self.error_messages["nonexistent"],
                code="nonexistent",
                params={"value": text.replace("T", " "), "zone": str(self.tz)},
            )
        return aware

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        # The input has whole seconds at most; milliseconds the CRM keeps are not a change.
        if isinstance(initial, datetime):
            initial = initial.replace(microsecond=0)
        return initial != new


class EmailField(CRMFieldMixin, forms.EmailField):
    widget = w.EmailInput

    def to_python(self, value: Any) -> str:
        address = super().to_python(value) or ""
        local, at, domain = address.rpartition("@")
        # Domains are case-insensitive and the CRM stores them lower-cased.
        return f"{local}@{domain.lower()}" if at else address


def normalise_phone(text: str, region: str) -> str:
    """Return a phone number as E.164, with ``;ext=`` for an extension, or raise."""
    candidate = text.strip().replace(";ext=", " ext. ")
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid phone number. Start with + and the country code, "
                "or enter a number of the default region (%(region)s)."
            ),
            code="invalid",
            params={"value": text.strip(), "region": region},
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={number.extension}" if number.extension else e164


class PhoneField(CRMFieldMixin, forms.CharField):
    widget = w.PhoneInput

    def __init__(self, *, region: str = "US", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.region = region

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return normalise_phone(text, self.region) if text else ""

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return (initial or "") != self.to_python(data)
        except ValidationError:
            return True


class HttpURLField(CRMFieldMixin, forms.URLField):
    widget = w.URLInput
    default_validators = [URLValidator(schemes=("http", "https"))]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class SocialHandleField(CRMFieldMixin, forms.CharField):
    """Accept a handle (``@ada``) or a profile URL; the CRM gets the profile URL."""

    widget = w.TextInput
    default_error_messages = {
        "invalid": _("Enter a handle such as @ada or a profile URL."),
        "wrong_site": _("This is not a %(service)s profile URL."),
        "needs_url": _("Enter the full profile URL."),
    }

    def __init__(self, *, handle_service: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handle_service = handle_service if handle_service in SERVICES else None

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        if text.lower().startswith(("http://", "https://")):
            return self._profile_url(text)
        match = _HANDLE.match(text)
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if self.handle_service is None:
            raise ValidationError(self.error_messages["needs_url"], code="needs_url")
        return SERVICES[self.handle_service].profile_url(match.group(1))

    def _profile_url(self, text: str) -> str:
        try:
            URLValidator(schemes=("http", "https"))(text)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        host = (urlsplit(text).hostname or "").lower()
        service = SERVICES.get(self.handle_service or "")
        allowed = service.hosts if service else ()
        if allowed and not any(host == h or host.endswith(f".{h}") for h in allowed):
            raise ValidationError(
                self.error_messages["wrong_site"],
                code="wrong_site",
                params={
                    "service": SERVICES[self.handle_service].name if self.handle_service else ""
                },
            )
        return text


def choice_pairs(field: forms.Field) -> list[tuple[Any, Any]]:
    """Return a choice field's choices as (value, label) pairs (ours are never grouped)."""
    return [(value, label) for value, label in getattr(field, "choices", ())]


class SingleSelectField(CRMFieldMixin, forms.ChoiceField):
    widget = w.Select

    def show(self, value: Any, raw: Any) -> None:
        super().show(value, raw)
        current = choice_pairs(self)
        if value and value not in dict(current):
            self.choices = [*current, (value, f"{value} (no longer an option)")]


class MultiSelectField(CRMFieldMixin, forms.MultipleChoiceField):
    widget = w.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def show(self, value: Any, raw: Any) -> None:
        super().show(value, raw)
        current = choice_pairs(self)
        known = dict(current)
        extra = [
            (item, f"{item} (no longer an option)") for item in value or () if item not in known
        ]
        if extra:
            self.choices = [*current, *extra]
