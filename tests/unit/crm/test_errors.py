"""make_status_error: one function picks the class from the status and reads any envelope."""

from __future__ import annotations

from typing import Any

import pytest

from contacts_ui.crm.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GatewayTimeoutError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
    UnsupportedMediaTypeError,
    make_status_error,
    parse_retry_after,
)

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (415, UnsupportedMediaTypeError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (503, ServiceUnavailableError),
    (504, GatewayTimeoutError),
]

ENVELOPE = {
    "type": "bad_request",
    "message": "Unknown field 'bogus'",
    "code": "unknown_field",
    "param": "fields.bogus",
}

GARBAGE_BODIES: list[Any] = [
    None,
    b"",
    "   ",
    b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    b"\xff\xfe\x00garbage",
    "[1, 2, 3]",
    "42",
    '{"error": 5}',
    '{"error": {"message": {"nested": true}}}',
    "{not json",
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_each_status_maps_to_its_exception_class(status: int, cls: type[APIStatusError]) -> None:
    error = make_status_error(status, None, {})

    assert type(error) is cls
    assert error.status_code == status


def test_an_unlisted_5xx_is_an_internal_server_error() -> None:
    assert type(make_status_error(502, None, {})) is InternalServerError


def test_an_unlisted_4xx_is_a_plain_status_error() -> None:
    assert type(make_status_error(418, None, {})) is APIStatusError


def test_503_and_504_are_also_internal_server_errors() -> None:
    assert isinstance(make_status_error(503, None, {}), InternalServerError)
    assert isinstance(make_status_error(504, None, {}), InternalServerError)


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_a_wrapped_envelope_fills_type_code_param_and_message(
    status: int, cls: type[APIStatusError]
) -> None:
    error = make_status_error(status, {"error": ENVELOPE}, {})

    assert isinstance(error, cls)
    assert (error.type, error.code, error.param, error.message) == (
        "bad_request",
        "unknown_field",
        "fields.bogus",
        "Unknown field 'bogus'",
    )


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_a_flat_envelope_fills_type_code_param_and_message(
    status: int, cls: type[APIStatusError]
) -> None:
    error = make_status_error(status, ENVELOPE, {})

    assert isinstance(error, cls)
    assert (error.type, error.code, error.param, error.message) == (
        "bad_request",
        "unknown_field",
        "fields.bogus",
        "Unknown field 'bogus'",
    )


def test_an_envelope_given_as_json_bytes_is_decoded() -> None:
    error = make_status_error(
        422, b'{"error": {"type": "unprocessable_content", "message": "no"}}', {}
    )

    assert (error.type, error.message) == ("unprocessable_content", "no")


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
@pytest.mark.parametrize("body", GARBAGE_BODIES)
def test_a_garbage_body_still_gives_the_right_class_and_the_reason_phrase(
    status: int, cls: type[APIStatusError], body: Any
) -> None:
    error = make_status_error(status, body, {})

    assert isinstance(error, cls)
    assert (error.type, error.code, error.param) == (None, None, None)
    assert error.message
    assert "<" not in str(error)


def test_a_garbage_body_falls_back_to_the_http_reason_phrase() -> None:
    error = make_status_error(502, b"<html>Bad Gateway from nginx</html>", {})

    assert error.message == "Bad Gateway"


def test_a_short_plain_text_body_becomes_the_message() -> None:
    error = make_status_error(503, b"upstream connect error\n", {})

    assert error.message == "upstream connect error"


def test_an_error_that_is_a_bare_string_becomes_the_message() -> None:
    error = make_status_error(409, {"error": "already in progress"}, {})

    assert error.message == "already in progress"


def test_a_null_error_key_falls_back_to_the_flat_fields() -> None:
    error = make_status_error(500, {"error": None, "message": "flat after all"}, {})

    assert error.message == "flat after all"


def test_str_is_a_one_line_summary_with_type_code_param_and_request_id() -> None:
    error = make_status_error(400, {"error": ENVELOPE}, {"X-Request-Id": "req_42"})

    assert str(error) == (
        "400 bad_request: Unknown field 'bogus' "
        "(code=unknown_field, param=fields.bogus, request_id=req_42)"
    )


def test_the_request_id_header_is_read_case_insensitively() -> None:
    assert make_status_error(500, None, {"x-REQUEST-id": "req_7"}).request_id == "req_7"


def test_the_idempotency_key_that_was_sent_is_kept_on_the_error() -> None:
    error = make_status_error(409, None, {}, idempotency_key="key-1")

    assert error.idempotency_key == "key-1"


def test_retry_after_in_seconds_is_read() -> None:
    assert make_status_error(429, None, {"Retry-After": "2"}).retry_after == 2.0


def test_a_fractional_retry_after_is_read() -> None:
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert parse_retry_after({"Retry-After-Ms": "250", "Retry-After": "9"}) == 0.25


def test_an_http_date_retry_after_is_measured_from_now() -> None:
    now = 1_780_000_000.0  # 2026-05-28T20:26:40Z
    assert parse_retry_after({"Retry-After": "Thu, 28 May 2026 20:26:43 GMT"}, now=now) == 3.0


def test_an_http_date_in_the_past_means_no_wait() -> None:
    assert parse_retry_after({"Retry-After": "Thu, 01 Jan 2026 00:00:00 GMT"}, now=1.9e9) == 0.0


@pytest.mark.parametrize("raw", ["soon", "-3", "inf", "nan", ""])
def test_an_unusable_retry_after_is_ignored(raw: str) -> None:
    assert parse_retry_after({"Retry-After": raw}) is None


def test_no_retry_after_header_gives_none() -> None:
    assert make_status_error(429, None, {}).retry_after is None


def test_listed_secrets_are_scrubbed_from_the_message() -> None:
    error = make_status_error(401, {"message": "bad key hunter2!"}, {}, secrets=["hunter2"])

    assert "hunter2" not in str(error)
    assert "[redacted]" in error.message


def test_lightfield_style_keys_and_bearer_tokens_are_scrubbed_without_being_listed() -> None:
    body = {"message": "rejected sk_lf_abcdef123456 from header Bearer xyz.123"}

    text = str(make_status_error(401, body, {}))

    assert "sk_lf_abcdef123456" not in text
    assert "xyz.123" not in text
