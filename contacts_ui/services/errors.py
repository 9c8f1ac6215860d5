"""What a CRM failure means to a salesperson, in one sentence they can act on."""

from __future__ import annotations

from contacts_ui.crm.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    CRMError,
    PermissionDeniedError,
    RateLimitError,
    ResultWindowError,
)


def describe_crm_error(exc: CRMError) -> str:
    """Turn a CRM failure into one sentence a salesperson can act on."""
    if isinstance(exc, ResultWindowError):
        return exc.message
    if isinstance(exc, RateLimitError):
        wait = f" Try again in {exc.retry_after:.0f} s." if exc.retry_after else ""
        return f"The CRM is busy right now (too many requests from the team).{wait}"
    if isinstance(exc, APITimeoutError):
        return "The CRM took too long to answer. Try again in a moment."
    if isinstance(exc, APIConnectionError):
        return "The CRM cannot be reached right now. Try again in a moment."
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return "The CRM refused the dashboard's API key. Ask IT to check the key and its scopes."
    if isinstance(exc, APIStatusError) and exc.status_code >= 500:
        return "The CRM had a problem answering. Try again in a moment."
    return "The CRM could not answer this request."
