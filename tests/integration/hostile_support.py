"""Support for the hostile-payload properties: a CRM that answers whatever a test sets, served
through respx at the real client's HTTP transport, hypothesis strategies for payloads of every
shape, and two readers of our HTML (what it links to, what a browser would post back).

The browser model here is written from the HTML standard, independently of the dashboard's own
``widgets.as_posted``, so the properties check that code instead of repeating it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import httpx
import respx
from hypothesis import strategies as st

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.lightfield.constants import DEFAULT_BASE_URL
from tests.conftest import install_client, no_sleep

CONTACT_ID = "con_hostile"
MARKER_TAG = "x-hostile"

# --- strings a CRM might hold ------------------------------------------------------------------

HOSTILE_STRINGS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    f"<{MARKER_TAG}>owned</{MARKER_TAG}>",
    f'"><{MARKER_TAG} onclick=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "https://ok.example/p?q=<x>",
    "\ud83d",
    "\ude00 after a lone low surrogate",
    "line one\nline two",
    "mixed\r\nline\nendings\rhere",
    "trailing newline\n",
    '=HYPERLINK("https://evil.example")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTab first",
    "\u202eright-to-left override",
    "{{ request.user }}{% debug %}",
    "\x00nul",
    "x" * 3000,
    "",
    " ",
    "[click](javascript:alert(1))",
    "![pixel](javascript:alert(1))",
    "not-an-email",
    "ada@example",
]

HOSTILE_IDS = [
    "con_1",
    "a.b",
    "with space",
    "日本",
    "x/y",
    ".",
    "..",
    "new",
    "a%2Fb",
    "q?x#y",
    "<x-hostile>",
    "javascript:alert(1)",
    "\ud83d",
    "",
]

HOSTILE_LINKS = [
    "https://crm.lightfield.app/contacts/1",
    "javascript:alert(1)",
    " JAVASCRIPT:alert(1)",
    "\x08javascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "//evil.example",
    "/relative/path",
    "mailto:a@b.example",
    'https://ok.example/"><x-hostile>',
    "HTTPS://UPPER.example",
    None,
    42,
]

text = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(max_size=12),
    st.text(alphabet=st.characters(categories=["Cs", "Cc", "Zl", "Zp", "Mn", "Lo"]), max_size=6),
)
record_ids = st.one_of(st.sampled_from(HOSTILE_IDS), st.text(min_size=1, max_size=8))
links = st.one_of(st.sampled_from(HOSTILE_LINKS), text)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
junk = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=6,
)
EDGE_DATETIMES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z",
    "0005-06-07T08:09:10+00:00",
    "2026-03-16T12:00:00.123456+05:45",
    "2026-13-45T99:99:99Z",
    "yesterday",
]
datetimes = st.one_of(
    st.sampled_from(EDGE_DATETIMES),
    st.builds(
        lambda moment, offset: moment.isoformat() + offset,
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
        st.sampled_from(["Z", "+00:00", "+14:00", "-12:00", "+05:45", ""]),
    ),
)
numbers = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1.234, 2**60, -(2**60), 10**30, 0.001, 12.5]),
)
OPTION_IDS = ["opt_a", "opt_b", "opt_<x-hostile>", "opt.gone"]


def _strings_or_one(item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(item, st.lists(item, max_size=3))


VALUES: dict[str, st.SearchStrategy[Any]] = {
    "TEXT": text,
    "MARKDOWN": text,
    "HTML": text,
    "NUMBER": numbers,
    "CURRENCY": numbers,
    "CHECKBOX": st.booleans(),
    "DATETIME": datetimes,
    "EMAIL": _strings_or_one(st.one_of(text, st.just("ada@example.com"))),
    "TELEPHONE": _strings_or_one(st.one_of(text, st.just("+14155550123;ext=12"))),
    "URL": _strings_or_one(links),
    "SOCIAL_HANDLE": links,
    "SINGLE_SELECT": st.sampled_from(OPTION_IDS),
    "MULTI_SELECT": st.lists(st.sampled_from(OPTION_IDS), max_size=3),
    "FULL_NAME": st.fixed_dictionaries({"firstName": text, "lastName": text}),
    "ADDRESS": st.fixed_dictionaries(
        {
            "street": text,
            "city": text,
            "country": st.sampled_from(["DE", "XK", "ZZ", "<x>", None]),
            "latitude": st.one_of(st.none(), st.floats(-500, 500)),
            "longitude": st.one_of(st.none(), st.floats(-500, 500)),
        }
    ),
    "HOLOGRAM": junk,
}


@st.composite
def field_definitions(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a contact's field definitions: the two system fields and a few odd custom ones."""
    fields: dict[str, Any] = {
        "$name": {"label": "Name", "valueType": "FULL_NAME"},
        "$email": {
            "label": "Email",
            "valueType": "EMAIL",
            "typeConfiguration": {"multipleValues": True},
        },
    }
    keys = draw(
        st.lists(
            st.one_of(st.sampled_from(["notes", "x.y", "a b", "<x-hostile>", "$odd"]), text),
            max_size=5,
            unique=True,
        )
    )
    for key in keys:
        value_type = draw(st.sampled_from(sorted(VALUES)))
        fields[key] = {
            "label": draw(text),
            "valueType": value_type,
            "readOnly": draw(st.booleans()),
            "description": draw(st.one_of(st.none(), text)),
            "typeConfiguration": {
                "multipleValues": draw(st.booleans()),
                "currency": draw(st.sampled_from([None, "EUR", "<x>"])),
                "handleService": draw(st.sampled_from([None, "LINKEDIN", "TWITTER"])),
                "options": [{"id": option, "label": draw(text)} for option in OPTION_IDS[:3]],
            },
        }
    return fields


RELATIONSHIPS = {
    "$account": {"label": "Account", "cardinality": "has_many", "objectType": "account"},
    "$owner": {"label": "Owner", "cardinality": "has_one", "objectType": "member"},
    "$colleague": {"label": "Colleague", "cardinality": "has_many", "objectType": "contact"},
    "rel.with.dots": {"label": "Dotted", "cardinality": "has_many", "objectType": "account"},
}


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Draw a definitions payload, a contact that follows it (or not), and related records."""
    definitions = draw(field_definitions())
    fields: dict[str, Any] = {}
    for key, definition in definitions.items():
        if draw(st.booleans()):
            wrong_shape = draw(st.integers(0, 9)) == 0
            value = draw(junk if wrong_shape else VALUES[definition["valueType"]])
            fields[key] = {"valueType": definition["valueType"], "value": value}
    if draw(st.booleans()):
        fields[draw(text)] = draw(st.one_of(junk, st.just({"valueType": "HOLOGRAM"})))
    related_ids = {
        key: draw(st.lists(record_ids, max_size=3, unique=True)) for key in RELATIONSHIPS
    }
    relationships = {
        key: {
            "cardinality": RELATIONSHIPS[key]["cardinality"],
            "objectType": RELATIONSHIPS[key]["objectType"],
            "values": ids[:1] if RELATIONSHIPS[key]["cardinality"] == "has_one" else ids,
        }
        for key, ids in related_ids.items()
    }
    record = {
        "id": draw(st.one_of(st.just(CONTACT_ID), record_ids)),
        "createdAt": draw(datetimes),
        "updatedAt": draw(datetimes),
        "httpLink": draw(links),
        "fields": fields,
        "relationships": relationships,
    }
    related = {
        related_id: {
            "id": related_id,
            "httpLink": draw(links),
            "fields": {"$name": {"valueType": "TEXT", "value": draw(text)}},
        }
        for ids in related_ids.values()
        for related_id in ids
    }
    others = draw(st.lists(st.builds(_other, record_ids, text, links), max_size=4))
    return Scenario(definitions, record, related, others)


def _other(record_id: str, name: str, link: Any) -> dict[str, Any]:
    return {
        "id": record_id,
        "httpLink": link,
        "fields": {"$name": {"valueType": "FULL_NAME", "value": {"firstName": name}}},
    }


@dataclass
class Scenario:
    """What the CRM answers in one example."""

    definitions: dict[str, Any]
    record: dict[str, Any]
    related: dict[str, dict[str, Any]]
    others: list[dict[str, Any]] = field(default_factory=list)


# --- the CRM, at the client's HTTP transport ----------------------------------------------------


def _json(payload: Any, status: int = 200) -> httpx.Response:
    # ensure_ascii writes a lone surrogate as \\ud83d, exactly as a CRM's JSON encoder would.
    body = json.dumps(payload, ensure_ascii=True).encode()
    return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})


class HostileCRM:
    """Answer the dashboard's client from the current scenario; record every write."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.scenario: Scenario | None = None
        self.writes: list[dict[str, Any]] = []
        router.get("/v1/auth/validate").mock(return_value=_json({"active": True}))
        router.get(path__regex=r"^/v1/(?P<kind>[a-z]+)/definitions$").mock(
            side_effect=self._definitions
        )
        router.get(path__regex=r"^/v1/(?P<kind>[a-z]+)$").mock(side_effect=self._list)
        router.get(path__regex=r"(?s)^/v1/(?P<kind>[a-z]+)/.+$").mock(side_effect=self._retrieve)
        router.post(path__regex=r"(?s)^/v1/contacts/.+$").mock(side_effect=self._write)

    def _current(self) -> Scenario:
        assert self.scenario is not None
        return self.scenario

    def _definitions(self, request: httpx.Request, kind: str) -> httpx.Response:
        scenario = self._current()
        if kind != "contacts":
            return _json({"objectType": kind[:-1], "fieldDefinitions": {}})
        return _json(
            {
                "objectType": "contact",
                "fieldDefinitions": scenario.definitions,
                "relationshipDefinitions": RELATIONSHIPS,
            }
        )

    def _list(self, request: httpx.Request, kind: str) -> httpx.Response:
        scenario = self._current()
        data = [scenario.record, *scenario.others] if kind == "contacts" else scenario.others
        return _json({"object": "list", "data": data, "totalCount": len(data) + 40})

    def _retrieve(self, request: httpx.Request, kind: str) -> httpx.Response:
        scenario = self._current()
        wanted = _requested_id(request)
        if kind == "contacts" and wanted == CONTACT_ID:
            return _json(scenario.record)
        if wanted in scenario.related:
            return _json(scenario.related[wanted])
        return _json({"error": {"type": "not_found", "message": "gone"}}, status=404)

    def _write(self, request: httpx.Request) -> httpx.Response:
        self.writes.append(json.loads(request.content))
        return _json(self._current().record)


def _requested_id(request: httpx.Request) -> str:
    # The raw path, not url.path: the client quotes "/" in an id as %2F, which path decodes.
    raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
    return unquote(raw_path.rsplit("/", 1)[1])


def hostile_crm() -> Iterator[HostileCRM]:
    """Install a dashboard client whose every request is answered by a HostileCRM."""
    with respx.mock(base_url=DEFAULT_BASE_URL, assert_all_called=False) as router:
        crm = HostileCRM(router)
        client = LightfieldClient(
            api_key="sk_lf_hostile", max_retries=0, sleep=no_sleep, random=lambda: 0.0
        )
        for _ in install_client(client):
            yield crm


# --- reading our HTML ----------------------------------------------------------------------------

URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "hx-get", "hx-post", "poster"})
OUR_SCHEMES = {"a": {"mailto", "tel"}}
FOREIGN_TAGS = frozenset({MARKER_TAG, "svg", "iframe", "object", "embed", "math", "base"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """Return the scheme a browser would see in an attribute value, or None for a relative URL.

    Browsers strip leading and trailing C0 controls and spaces and drop tabs and newlines
    anywhere, so "\\x01java\\tscript:" is javascript:.
    """
    cleaned = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


class PageAudit(HTMLParser):
    """Collect what in a page is not ours: foreign schemes, handlers, tags and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FOREIGN_TAGS:
            self.problems.append(f"<{tag}> in the page")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                allowed = {"http", "https"} | OUR_SCHEMES.get(tag, set())
                if scheme is not None and scheme not in allowed:
                    self.problems.append(f"{name}={value!r} on <{tag}>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"a script that is not ours: {attrs!r}")


def foreign_markup(html: str) -> list[str]:
    """Return what in ``html`` could not have come from our templates."""
    audit = PageAudit()
    audit.feed(html)
    audit.close()
    return audit.problems


# --- a browser submitting the contact form untouched ---------------------------------------------

_STRIPS_NEWLINES = {"text", "search", "tel", "password", "email", "url"}
_HTML_EMAIL = re.compile(
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
_HTML_FLOAT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _sanitised(kind: str, value: str) -> str:
    """Apply HTML's value sanitization algorithm for an input of type ``kind``."""
    if kind in _STRIPS_NEWLINES:
        value = value.replace("\n", "").replace("\r", "")
    if kind in {"email", "url"}:
        value = value.strip(" \t\n\f\r")
    if kind == "number" and not _HTML_FLOAT.fullmatch(value):
        value = ""
    return value


def _blocked(kind: str, value: str, attrs: dict[str, str]) -> str | None:
    """Say why a browser's constraint validation would stop the form, or None."""
    if not value:
        return "required" if "required" in attrs else None
    if kind == "email" and not _HTML_EMAIL.fullmatch(value):
        return f"type=email refuses {value!r}"
    if kind == "url":
        parts = urlsplit(value)
        if not parts.scheme or (parts.scheme in {"http", "https"} and not parts.netloc):
            return f"type=url refuses {value!r}"
    if kind == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            return f"type=number refuses {value!r}"
        low, high = attrs.get("min"), attrs.get("max")
        if low not in (None, "") and number < Decimal(low):
            return f"{value} < min {low}"
        if high not in (None, "") and number > Decimal(high):
            return f"{value} > max {high}"
        step = attrs.get("step", "1")
        base = Decimal(low) if low not in (None, "") else Decimal(0)
        if step != "any" and (number - base) % Decimal(step) != 0:
            return f"{value} is off step {step}"
    return None


class BrowserForm(HTMLParser):
    """Read the contact form as a browser submits it untouched, and what would block it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.action: str | None = None
        self.entries: list[tuple[str, str]] = []
        self.blocked: list[str] = []
        self._in_form = False
        self._textarea: tuple[str, dict[str, str]] | None = None
        self._text = ""
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, raw: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in raw}
        if tag == "form" and "data-contact-form" in attrs:
            self._in_form, self.action = True, attrs.get("action")
        if not self._in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.entries.append((name, attrs.get("value", "on")))
            elif kind not in {"submit", "button", "reset", "file", "image"}:
                value = _sanitised(kind, attrs.get("value", ""))
                reason = _blocked(kind, value, attrs)
                if reason:
                    self.blocked.append(f"{name}: {reason}")
                self.entries.append((name, value))
        elif tag == "textarea" and name:
            self._textarea, self._text = (name, attrs), ""
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attrs), []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, attrs = self._textarea
            # The parser drops one newline right after <textarea>.
            value = self._text[1:] if self._text.startswith("\n") else self._text
            if "required" in attrs and not value:
                self.blocked.append(f"{name}: required")
            self.entries.append((name, value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.entries.extend((name, value) for value in chosen)
            self._select = None

    def post_data(self) -> dict[str, list[str]]:
        """Return the entries as form encoding sends them: every line break as CRLF."""
        data: dict[str, list[str]] = {}
        for name, value in self.entries:
            data.setdefault(name, []).append(value.replace("\n", "\r\n"))
        return data


def post_form(client: Any, url: str, form: BrowserForm, **extra: Any) -> Any:
    """Post ``form`` as a browser does: application/x-www-form-urlencoded, CRLF line breaks."""
    body = urlencode([(n, v) for n, values in form.post_data().items() for v in values])
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)


def read_form(html: str) -> BrowserForm:
    """Parse a page as a browser does (CR and CRLF become LF first) and read its contact form."""
    form = BrowserForm()
    form.feed(html.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd"))
    form.close()
    return form
