"""A requests transport adapter with canned answers: a stand-in OpenID provider for unit tests.

It is mounted on a real ``requests.Session`` (``provider.use_session``), so the code under test
runs unchanged down to the transport; nothing of requests or of ours is patched.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import BaseAdapter


@dataclass(frozen=True)
class Answer:
    """One canned HTTP answer."""

    status: int = 200
    json: Any = None
    text: str | None = None


class CannedProvider(BaseAdapter):
    """Answer each URL from its list of canned answers (the last one repeats); record calls."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, list[Answer | Exception]] = {}
        self.calls: list[str] = []

    def route(self, url: str, *answers: Answer | Exception) -> None:
        """Answer ``url`` with ``answers`` in turn."""
        self.routes[url] = list(answers)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Return (or raise) the next canned answer for the request's URL."""
        url = str(request.url)
        self.calls.append(url)
        answers = self.routes.get(url)
        if not answers:
            raise requests.ConnectionError(f"nothing answers {url}")
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        body = answer.text if answer.text is not None else jsonlib.dumps(answer.json)
        response = requests.Response()
        response.status_code = answer.status
        response._content = body.encode()
        response.headers.update(_headers(answer))
        response.encoding = "utf-8"
        response.url = url
        response.request = request
        return response

    def close(self) -> None:
        """Release nothing: there is no connection."""


def _headers(answer: Answer) -> Mapping[str, str]:
    kind = "text/html" if answer.text is not None else "application/json"
    return {"Content-Type": kind}
