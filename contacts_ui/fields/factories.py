"""Form-field factories: one per value type, from the definition and the viewer's context.

The registry (fields/registry.py) names which factory each value type uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from contacts_ui.crm.models import FieldDefinition
from contacts_ui.fields import widgets as w

# The API's number range (JavaScript's safe integers) and precision for NUMBER and CURRENCY.
from contacts_ui.fields.compound import AddressField, FullNameField, RowsField
from contacts_ui.fields.display import format_phone
from contacts_ui.fields.formfields import (
    EMPTY_CHOICE,
    SEARCHABLE_OPTIONS,
    TEXT_ATTRS,
    CheckboxField,
    CurrencyField,
    DateTimeField,
    EmailField,
    FormContext,
    HttpURLField,
    MarkdownField,
    MultiSelectField,
    NumberField,
    PhoneField,
    SingleSelectField,
    SocialHandleField,
    TextField,
)

FormFieldFactory = Callable[[FieldDefinition, FormContext], forms.Field]


def _common(definition: FieldDefinition) -> dict[str, Any]:
    return {"label": definition.label, "help_text": definition.description or "", "required": False}


def text_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    return TextField(**_common(definition), widget=w.TextInput(attrs=TEXT_ATTRS))


def markdown_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    return MarkdownField(**_common(definition))


def number_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    return NumberField(**_common(definition))


def currency_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    code = definition.type_configuration.currency
    common = _common(definition)
    if code:
        common["help_text"] = " ".join(filter(None, [common["help_text"], f"Amount in {code}."]))
    return CurrencyField(currency=code, **common)


def checkbox_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    return CheckboxField(**_common(definition))


def datetime_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    common = _common(definition)
    zone = f"In your time zone, {ctx.tz}."
    common["help_text"] = " ".join(filter(None, [common["help_text"], zone]))
    return DateTimeField(tz=ctx.tz, **common)


def _many(
    definition: FieldDefinition,
    item: forms.Field,
    input_type: str,
    format_item: Callable[[str], str] = str,
) -> forms.Field:
    widget = w.RowsWidget(
        input_type=input_type,
        item_label=definition.label,
        format_item=format_item,
        attrs={"autocomplete": "off"},
    )
    return RowsField(item, widget=widget, **_common(definition))


def email_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    if definition.type_configuration.multiple_values:
        return _many(definition, EmailField(), "email")
    return EmailField(**_common(definition), widget=w.EmailInput(attrs={"autocomplete": "off"}))


def telephone_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    if definition.type_configuration.multiple_values:
        return _many(definition, PhoneField(region=ctx.region), "tel", format_phone)
    return PhoneField(
        region=ctx.region, **_common(definition), widget=w.PhoneInput(attrs={"autocomplete": "off"})
    )


def url_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    if definition.type_configuration.multiple_values:
        return _many(definition, HttpURLField(), "url")
    return HttpURLField(**_common(definition), widget=w.URLInput(attrs={"autocomplete": "off"}))


def full_name_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    return FullNameField(**_common(definition))


def address_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    return AddressField(**_common(definition))


def social_handle_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    service = definition.type_configuration.handle_service
    attrs = {"autocomplete": "off", "placeholder": "@handle or profile URL"}
    return SocialHandleField(
        handle_service=service, widget=w.TextInput(attrs=attrs), **_common(definition)
    )


def _option_choices(definition: FieldDefinition) -> list[tuple[str, str]]:
    return [(option.id, option.label) for option in definition.type_configuration.options]


def single_select_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    options = _option_choices(definition)
    widget = w.searchable(w.Select(), options, SEARCHABLE_OPTIONS)
    return SingleSelectField(choices=[EMPTY_CHOICE, *options], widget=widget, **_common(definition))


def multi_select_field(definition: FieldDefinition, ctx: FormContext) -> forms.Field:
    options = _option_choices(definition)
    widget = w.searchable(w.CheckboxSelectMultiple(), options, SEARCHABLE_OPTIONS)
    return MultiSelectField(choices=options, widget=widget, **_common(definition))
