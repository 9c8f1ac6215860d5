"""The store's invariants, checked below the HTTP layer."""

from __future__ import annotations

import pytest

from sandbox.app import SandboxApp


def test_linking_from_the_many_side_moves_a_has_one_link(app: SandboxApp) -> None:
    store = app.store
    opportunity = store.all("opportunity")[0]
    (old_account_id,) = opportunity.links["$account"]
    new_account = next(a for a in store.all("account") if a.id != old_account_id)
    with store.transaction():
        wanted = [*new_account.links.get("$opportunity", ()), opportunity.id]
        store.update(new_account, new_account.fields, {"$opportunity": wanted})
    moved = store.get("opportunity", opportunity.id)
    old_account = store.get("account", old_account_id)
    assert moved is not None
    assert old_account is not None
    assert moved.links["$account"] == (new_account.id,)
    assert opportunity.id not in old_account.links.get("$opportunity", ())


def test_a_failed_transaction_leaves_memory_as_it_was(app: SandboxApp) -> None:
    store = app.store
    contact = store.all("contact")[0]

    def write_then_fail() -> None:
        with store.transaction():
            store.update(contact, {**contact.fields, "$title": "Never saved"}, {})
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError, match="abort"):
        write_then_fail()
    reloaded = store.get("contact", contact.id)
    assert reloaded is not None
    assert reloaded.fields.get("$title") == contact.fields.get("$title")


def test_snapshots_are_replaced_not_mutated(app: SandboxApp) -> None:
    store = app.store
    contact = store.all("contact")[0]
    before = dict(contact.fields)
    with store.transaction():
        store.update(contact, {**contact.fields, "$title": "Changed"}, {})
    assert dict(contact.fields) == before
