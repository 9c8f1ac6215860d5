"""The contact page's relationships panel: add, remove, replace, undo, and the picker's search.

htmx requests get the panel alone (``contacts/detail.html#relationships``); a plain form post
is answered with a 303 back to the contact page, which shows the outcome (and its undo) once.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlencode

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from contacts_ui import relationships
from contacts_ui.crm.errors import CRMError, NotFoundError
from contacts_ui.crm.models import Definitions, Record, RelationshipDefinition
from contacts_ui.identity.roles import Role, require_role
from contacts_ui.relationships import MAX_QUERY_CHARS, Operation, Outcome, PanelState
from contacts_ui.services import contacts as contact_service
from contacts_ui.services import writes
from contacts_ui.services.audit import Actor
from contacts_ui.services.definitions import get_definitions, refresh_definitions
from contacts_ui.views.common import htmx_details, relationship_list_filter
from contacts_ui.views.errors import crm_error_response, describe_crm_error, not_found

PANEL_TEMPLATE = "contacts/detail.html#relationships"
OPTIONS_TEMPLATE = "partials/picker.html#options"
FROM_PARAM = "from"
# "Replace all" with more ids than this is not something a person does by hand.
MAX_REPLACE_IDS = 500
_LIST_ID = re.compile(r"^[A-Za-z0-9-]{1,80}$")


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _detail_url(contact_id: str, from_query: str) -> str:
    url = reverse("contacts:detail", args=[contact_id])
    if from_query:
        url += "?" + urlencode({FROM_PARAM: from_query})
    return url + "#relationships"


def _answer(
    request: HttpRequest,
    contact_id: str,
    record: Record,
    definitions: Definitions,
    from_query: str,
    *,
    outcome: Outcome | None = None,
    state: PanelState | None = None,
) -> HttpResponse:
    """Answer htmx with the panel alone, a plain form post with a redirect to the contact page."""
    if htmx_details(request):
        context = relationships.panel_context(
            request,
            record,
            definitions,
            contact_id=contact_id,
            from_query=from_query,
            outcome=outcome,
            state=state or PanelState(key=outcome.key if outcome else ""),
            list_filter=relationship_list_filter,
        )
        return render(request, PANEL_TEMPLATE, context)
    relationships.flash(request, contact_id, outcome=outcome, state=state)
    return HttpResponseSeeOther(_detail_url(contact_id, from_query))


def _chosen_id(request: HttpRequest) -> str:
    # The hidden field (filled by the typeahead) and a "choose" button may both send an id;
    # the button, last in the form, is the one the person pressed.
    for raw in reversed(request.POST.getlist("id")):
        if raw.strip():
            return relationships.clean_id(raw)
    return ""


@require_POST
@require_role(Role.EDITOR)
@vary_on_headers("HX-Request")
def change_relationship(request: HttpRequest, contact_id: str, key: str) -> HttpResponse:
    """Add, remove or replace the records linked under ``key`` (or undo that), then show them."""
    try:
        definitions = get_definitions("contacts")
    except CRMError as exc:
        return crm_error_response(request, exc)
    definition = definitions.relationship_definitions.get(key)
    if definition is None:
        return not_found(request)
    try:
        before, _ = contact_service.get_contact(contact_id)
    except CRMError as exc:
        return crm_error_response(request, exc)

    op = request.POST.get("op", "")
    many = relationships.is_many(definition)
    from_query = request.POST.get(FROM_PARAM, "")[:2000]
    form_key = relationships.clean_form_key(request.POST.get("action_key"))
    noun = relationships.NOUNS.get(definition.object_type or "", ("record", "records"))[0]
    state = PanelState(key=key)

    def apply(steps: list[Operation], *, undoing: bool = False) -> HttpResponse:
        return _apply(
            request, contact_id, definition, definitions, before, steps,
            form_key=form_key, from_query=from_query, state=state, undoing=undoing,
        )  # fmt: skip

    def answer() -> HttpResponse:
        return _answer(request, contact_id, before, definitions, from_query, state=state)

    if op == "undo":
        undo = relationships.read_undo(request.POST.get("undo", ""), contact_id, key)
        if undo is None:
            state.error = "This undo is no longer available; make the change again by hand."
            state.focus = "error"
            return answer()
        steps, is_redo = undo
        return apply(steps, undoing=not is_redo)

    if op == "remove":
        target = _chosen_id(request)
        if not target:
            state.error = f"Choose the {noun} to remove."
            state.focus = "error"
            return answer()
        return apply(relationships.operations("remove", [target], many=many))

    if op == "add" or (op == "replace" and not many):
        typed = request.POST.get("q", "").strip()[:MAX_QUERY_CHARS]
        target = _chosen_id(request)
        if not target and relationships.looks_like_id(typed, definition.object_type):
            target = typed
        state.q, state.chosen = typed, target
        if not target:
            return _search_in_panel(request, contact_id, definition, definitions, before, state,
                                    from_query)  # fmt: skip
        # A has_one relationship has no "add": choosing its record replaces the one it had.
        name: relationships.OpName = "add" if many else "replace"
        return apply(relationships.operations(name, [target], many=many))

    if many and op in ("preview", "replace"):
        ids = [i for i in map(relationships.clean_id, request.POST.getlist("ids")) if i]
        ids = list(dict.fromkeys(ids))[:MAX_REPLACE_IDS]
        typed = request.POST.get("q", "").strip()[:MAX_QUERY_CHARS]
        state.replace_open = True
        if typed and relationships.looks_like_id(typed, definition.object_type):
            ids.append(typed)
        elif typed:
            # Without the typeahead: list the matches to tick, then preview again.
            state.replace_q = typed
            state.replace_ids = ids
            try:
                state.replace_matches = relationships.search(
                    definition.object_type, typed, linked=ids
                )
            except CRMError as exc:
                state.error = describe_crm_error(exc)
            if not state.replace_matches and not state.error:
                state.error = f"No {noun} name starts with “{typed}”."
            state.focus = "replace-q" if state.error else "replace-matches"
            return answer()
        state.replace_ids = ids
        if op == "replace" and request.POST.get("confirm") == "1":
            current = before.related_ids(key)
            return apply(relationships.operations("replace", ids, many=True, current=current))
        state.preview_ids = ids
        state.focus = "confirm"
        return answer()

    return HttpResponseBadRequest("Unknown relationship operation.")


def _search_in_panel(
    request: HttpRequest,
    contact_id: str,
    definition: RelationshipDefinition,
    definitions: Definitions,
    before: Record,
    state: PanelState,
    from_query: str,
) -> HttpResponse:
    """List the records matching what was typed, to choose from (the picker without script)."""
    nouns = relationships.NOUNS.get(definition.object_type or "", ("record", "records"))
    state.focus = "q"
    if not relationships.searchable(definition.object_type):
        state.error = f"Enter the id of the {nouns[0]} to link."
    elif not state.q:
        state.error = f"Type the start of a name to find {nouns[1]}."
    else:
        state.searched = True
        try:
            state.matches = relationships.search(
                definition.object_type, state.q, linked=before.related_ids(state.key)
            )
        except CRMError as exc:
            state.error = describe_crm_error(exc)
        if state.matches:
            state.focus = "matches"
    return _answer(request, contact_id, before, definitions, from_query, state=state)


def _apply(
    request: HttpRequest,
    contact_id: str,
    definition: RelationshipDefinition,
    definitions: Definitions,
    before: Record,
    steps: list[Operation],
    *,
    form_key: str,
    from_query: str,
    state: PanelState,
    undoing: bool,
) -> HttpResponse:
    """Send ``steps`` one request at a time and show the record the CRM returned last."""
    key = state.key
    many = relationships.is_many(definition)
    before_ids = list(before.related_ids(key))
    touched = relationships.touched_ids(steps, before_ids)
    after = before
    failure: CRMError | None = None
    done = 0
    for index, step in enumerate(steps):
        idempotency_key = relationships.idempotency_key(form_key, contact_id, key, index, step)
        try:
            after = writes.update_relationships(
                Actor.from_request(request), contact_id, key, step, idempotency_key
            )
        except CRMError as exc:
            failure = exc
            break
        done += 1

    after_ids = list(after.related_ids(key))
    outcome = None
    if done or failure is None:
        inverse = relationships.inverse(before_ids, after_ids, touched, many=many)
        message = relationships.outcome_message(
            definition.label,
            before_ids,
            after_ids,
            touched,
            object_type=definition.object_type,
            undoing=undoing,
        )
        token = relationships.sign_undo(contact_id, key, inverse, redo=undoing) if inverse else ""
        outcome = Outcome(key, message, token, redo=undoing)
    if failure is None:
        return _answer(request, contact_id, after, definitions, from_query, outcome=outcome)

    if isinstance(failure, NotFoundError) and not failure.code and not htmx_details(request):
        return not_found(request)
    if getattr(failure, "code", None) == "unknown_relationship":
        # Our copy of the definitions is stale: the next page is built from fresh ones.
        with contextlib.suppress(CRMError):
            refresh_definitions("contacts")
    state.error = relationships.describe_error(failure, definition, done, len(steps))
    state.focus = "error"
    return _answer(
        request, contact_id, after, definitions, from_query, outcome=outcome, state=state
    )


@require_GET
@require_role(Role.VIEWER)
@vary_on_headers("HX-Request")
def search_relationship(request: HttpRequest, contact_id: str, key: str) -> HttpResponse:
    """Return the picker's options: records whose name starts with what was typed (htmx)."""
    try:
        definitions = get_definitions("contacts")
    except CRMError as exc:
        return crm_error_response(request, exc)
    definition = definitions.relationship_definitions.get(key)
    if definition is None:
        return not_found(request)
    typed = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    choices: list[relationships.Choice] = []
    message = ""
    if typed:
        try:
            record, _ = contact_service.get_contact(contact_id)
            choices = relationships.search(
                definition.object_type, typed, linked=record.related_ids(key)
            )
        except NotFoundError:
            return not_found(request)
        except CRMError as exc:
            message = describe_crm_error(exc)
    return _options(request, definition, typed, choices, message)


@require_GET
@require_role(Role.EDITOR)
@vary_on_headers("HX-Request")
def search_for_new_contact(request: HttpRequest, key: str) -> HttpResponse:
    """Return the new-contact form's picker options for relationship ``key`` (htmx).

    The form's box is named after its relationship (``relationships.$owner.q``); the
    contact page's is ``q``.
    """
    try:
        definitions = get_definitions("contacts")
    except CRMError as exc:
        return crm_error_response(request, exc)
    definition = definitions.relationship_definitions.get(key)
    if definition is None:
        return not_found(request)
    raw = request.GET.get("q") or request.GET.get(f"relationships.{key}.q", "")
    typed = raw.strip()[:MAX_QUERY_CHARS]
    choices: list[relationships.Choice] = []
    message = ""
    if typed:
        try:
            choices = relationships.search(definition.object_type, typed)
        except CRMError as exc:
            message = describe_crm_error(exc)
    return _options(request, definition, typed, choices, message)


def _options(
    request: HttpRequest,
    definition: RelationshipDefinition,
    typed: str,
    choices: list[relationships.Choice],
    message: str,
) -> HttpResponse:
    """Render the picker's options (or the one line that says why there are none)."""
    nouns = relationships.NOUNS.get(definition.object_type or "", ("record", "records"))
    if typed and not relationships.searchable(definition.object_type):
        message = f"Search is not available for {nouns[1]}: enter an id and press Enter."
    elif typed and not choices and not message:
        message = f"No {nouns[0]} name starts with “{typed}”."
    list_id = request.GET.get("list", "")
    context = {
        "choices": choices,
        "message": message,
        "list_id": list_id if _LIST_ID.match(list_id) else "picker",
        "collecting": request.GET.get("mode") == "collect",
        "many": relationships.is_many(definition),
    }
    return render(request, OPTIONS_TEMPLATE, context)
