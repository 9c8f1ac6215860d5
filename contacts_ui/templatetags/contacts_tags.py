"""Small template filters the contacts pages need (loaded as builtins)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.templatetags.static import StaticNode
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from contacts_ui.listing.search import OPERATOR_WORDS
from contacts_ui.web.links import record_url, reversed_url

register = template.Library()


class RememberedStaticNode(StaticNode):
    """Django's ``{% static %}``, with each path's URL worked out once per process.

    Every page links the same stylesheet and scripts; asking the manifest storage each time
    cost about a twentieth of a warm page. Templates use it as ``{% static 'css/app.css' %}``
    without ``{% load static %}`` (which would bring Django's own back).
    """

    @classmethod
    def handle_simple(cls, path: str) -> str:
        return _static_url(path, settings.STATIC_URL)


@lru_cache(maxsize=256)
def _static_url(path: str, _static_url_setting: str | None) -> str:
    return str(StaticNode.handle_simple(path))


@receiver(setting_changed)
def _forget_static_urls(*, setting: str, **_kwargs: Any) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS"}:
        _static_url.cache_clear()


class RememberedURLNode(URLNode):
    """Django's ``{% url %}``, reversing each distinct URL once per process (``reversed_url``)."""

    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            url = reversed_url(view_name, args, kwargs, current_app)
        except TypeError:  # an unhashable argument: reverse it the usual way
            return str(super().render(context))
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag("url")
def url(parser: template.base.Parser, token: template.base.Token) -> URLNode:
    """Return an absolute path to a view (see ``RememberedURLNode``); Django's syntax."""
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


@register.tag("static")
def static(parser: template.base.Parser, token: template.base.Token) -> StaticNode:
    """Return the URL of a static file (see ``RememberedStaticNode``)."""
    return RememberedStaticNode.handle_token(parser, token)


@register.filter
def get_item(mapping: Mapping[str, Any] | None, key: str) -> Any:
    """Return ``mapping[key]`` or an empty string (template lookups cannot use odd keys)."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def operator_words(operator: str) -> str:
    """Say a CRM filter operator in words."""
    return OPERATOR_WORDS.get(operator, operator)


@register.filter
def detail_url(record_id: str) -> str:
    """Return a contact page's URL, or "" when the CRM's id cannot be part of a URL."""
    return record_url("contacts:detail", str(record_id)) or ""


@register.filter
def edit_url(record_id: str) -> str:
    """Return a contact's edit page URL, or "" when the CRM's id cannot be part of a URL."""
    return record_url("contacts:edit", str(record_id)) or ""


@register.filter
def id_list(ids: object) -> list[str]:
    """Return a relationship operation's ids as a list: has_one sends one id (or null)."""
    if ids is None:
        return []
    if isinstance(ids, str):
        return [ids]
    if isinstance(ids, list | tuple):
        return [str(item) for item in ids]
    return [str(ids)]


@register.filter(is_safe=True)
def grouped(value: object) -> object:
    """Write a count with thousands separators ("2,143"), as the list's pages and totals read.

    The dashboard speaks English (LANGUAGE_CODE en-us): this is what ``intcomma`` printed,
    without its locale machinery on each of the dozen numbers a list page shows.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value
