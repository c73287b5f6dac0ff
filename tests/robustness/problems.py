"""Assertions on RFC 9457 problem responses and on strict JSON (no NaN or Infinity anywhere).

>>> strict_loads('{"a": 1.5}')
{'a': 1.5}
>>> strict_loads('{"a": NaN}')
Traceback (most recent call last):
...
AssertionError: the response is not strict JSON: NaN
"""

from __future__ import annotations

import json
from typing import Any


def _refuse(name: str) -> Any:
    raise AssertionError(f"the response is not strict JSON: {name}")


def strict_loads(text: str) -> Any:
    """Parse ``text`` as JSON, failing on NaN, Infinity and -Infinity (which are not JSON)."""
    return json.loads(text, parse_constant=_refuse)


def assert_problem(resp: Any, status: int, *, type: str | None = None, detail_has: tuple[str, ...] = ()) -> dict:
    """Check ``resp`` (Flask test response) is a problem+json with this status, type and detail words."""
    body_text = resp.get_data(as_text=True)
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {body_text[:500]}"
    assert resp.mimetype == "application/problem+json", resp.mimetype
    body = strict_loads(body_text)
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in body_text
    if type is not None:
        assert body["type"] == type, body
    for word in detail_has:
        assert word in body["detail"], f"{word!r} not in detail {body['detail']!r}"
    return body
