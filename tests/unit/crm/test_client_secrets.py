"""The API key never leaks: not in repr, not in error text, not in logs."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
import respx

from contacts_ui.crm import CRMError, LightfieldClient

from .conftest import API_KEY

PATH = "/v1/contacts/con_1"
ODD_KEY = "plainsecretvalue-not-lightfield-shaped"


def test_repr_of_the_client_does_not_contain_the_key(client: LightfieldClient) -> None:
    assert API_KEY not in repr(client)
    assert API_KEY not in str(vars(client))


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(
            401, json={"error": {"type": "unauthorized", "message": f"bad key {API_KEY}"}}
        ),
        httpx.Response(400, text=f"Authorization: Bearer {API_KEY}"),
        httpx.Response(200, text=f"<p>{API_KEY}</p>"),
        httpx.ConnectError(f"proxy said {API_KEY}"),
        httpx.ReadTimeout(f"timed out for {API_KEY}"),
    ],
    ids=["echoed-in-envelope", "echoed-as-text", "bad-success-body", "connect-error", "timeout"],
)
def test_no_raised_error_mentions_the_key(
    client: LightfieldClient, api: respx.MockRouter, failure: httpx.Response | Exception
) -> None:
    api.get(PATH).mock(side_effect=[failure] * 3)

    with pytest.raises(CRMError) as caught:
        client.get_contact("con_1")

    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)


def test_a_key_of_any_shape_echoed_by_the_server_is_scrubbed(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter
) -> None:
    client = make_client(api_key=ODD_KEY)
    api.get(PATH).respond(403, json={"message": f"key {ODD_KEY} lacks contacts:read"})

    with pytest.raises(CRMError) as caught:
        client.get_contact("con_1")

    assert ODD_KEY not in str(caught.value)


def test_log_output_never_contains_the_key(
    client: LightfieldClient, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(PATH).mock(
        side_effect=[httpx.ConnectError("x"), httpx.Response(503), httpx.Response(404)]
    )

    with caplog.at_level(logging.DEBUG), pytest.raises(CRMError):
        client.get_contact("con_1")

    assert caplog.records
    assert API_KEY not in caplog.text
