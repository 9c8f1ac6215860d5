"""What a CRM failure means to a salesperson, in one sentence they can act on."""

from __future__ import annotations

import math

from contacts_ui.crm.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BudgetExhausted,
    CRMError,
    PermissionDeniedError,
    RateLimitError,
    ResultWindowError,
)

# When the CRM is busy but said nothing about when to come back.
DEFAULT_RETRY_AFTER = 5


def is_busy(exc: CRMError) -> bool:
    """Tell whether the failure is the team's rate limit (ours or the CRM's), not a fault."""
    return isinstance(exc, BudgetExhausted | RateLimitError)


def retry_after_seconds(exc: CRMError) -> int:
    """Return whole seconds to wait before trying again (for Retry-After and the banner)."""
    wait: float | None = getattr(exc, "retry_after", None)
    if wait is None:
        return DEFAULT_RETRY_AFTER
    return max(1, math.ceil(wait))


def status_for(exc: CRMError) -> int:
    """Return the HTTP status a page answers with: 503 when busy, 502 for CRM trouble."""
    return 503 if is_busy(exc) else 502


def describe_crm_error(exc: CRMError) -> str:
    """Turn a CRM failure into one sentence a salesperson can act on."""
    if isinstance(exc, ResultWindowError):
        return exc.message
    if isinstance(exc, BudgetExhausted):
        return f"The CRM is busy, try again in {retry_after_seconds(exc)} s."
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
