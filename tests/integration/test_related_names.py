"""Related names: one cache entry per set of ids, retired when the dashboard learns a new name."""

from __future__ import annotations

import pytest

from contacts_ui.crm.errors import APIConnectionError
from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Record
from contacts_ui.services import related


def _accounts(crm: LightfieldClient, count: int) -> list[Record]:
    return list(crm.list_accounts(limit=count).data)


def test_a_set_of_ids_asked_for_again_costs_no_crm_call(crm: LightfieldClient) -> None:
    wanted = [("account", a.id) for a in _accounts(crm, 5)]
    first = related.resolve(wanted)
    before = crm.request_count
    assert related.resolve(wanted) == first
    assert crm.request_count == before


def test_a_name_the_dashboard_learns_replaces_the_one_in_a_set_entry(
    crm: LightfieldClient,
) -> None:
    accounts = _accounts(crm, 3)
    wanted = [("account", a.id) for a in accounts]
    related.resolve(wanted)
    renamed = accounts[0].model_copy(
        update={
            "fields": {
                **accounts[0].fields,
                "$name": accounts[0].fields["$name"].model_copy(update={"value": "Renamed Ltd"}),
            }
        }
    )
    related.remember(renamed, "account")
    assert related.resolve(wanted)[accounts[0].id].name == "Renamed Ltd"


def test_remembering_an_unchanged_name_keeps_the_set_entries(crm: LightfieldClient) -> None:
    accounts = _accounts(crm, 3)
    wanted = [("account", a.id) for a in accounts]
    related.resolve(wanted)
    related.remember(accounts[0], "account")
    generation = related.shared_cache.get(related._generation_key())
    related.remember(accounts[0], "account")
    assert related.shared_cache.get(related._generation_key()) == generation


def test_a_failed_lookup_is_retried_rather_than_kept_in_a_set_entry(
    crm: LightfieldClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = _accounts(crm, 1)[0]
    failing = [True]

    def get_related(object_type: str, record_id: str) -> Record:
        if failing[0]:
            raise APIConnectionError("down")
        return account

    monkeypatch.setattr(crm, "get_related", get_related)
    assert related.resolve([("account", account.id)])[account.id].missing
    failing[0] = False
    assert related.resolve([("account", account.id)])[account.id].name == account.display_name
