"""An unsubscribe link whose signature is not ASCII is a forged one (404), never a 500:
the full randomized contract run found `sig=§÷` answered 500 (compare_digest refuses a
non-ASCII str)."""

import uuid

import httpx
import pytest

from tests.conftest import TEST_SECRET
from vividshift.notifications import unsubscribe


@pytest.mark.parametrize("sig", ["§÷\x01Ü", "é" * 64, "\U0001f600", ""])
async def test_a_non_ascii_signature_is_refused_not_a_500(
    client: httpx.AsyncClient, sig: str
) -> None:
    params = {"user": str(uuid.uuid4()), "event": "place.changed.v1", "sig": sig}
    for method in ("GET", "POST"):
        response = await client.request(method, "/notifications/unsubscribe", params=params)
        assert 400 <= response.status_code < 500, response.text


def test_only_the_signature_itself_is_valid() -> None:
    key, user = TEST_SECRET.encode(), uuid.uuid4()
    good = unsubscribe.signature(key, user, "place.changed.v1")
    assert unsubscribe.is_valid(key, user, "place.changed.v1", good)
    assert not unsubscribe.is_valid(key, user, "place.changed.v1", good[:-1] + "é")
    assert not unsubscribe.is_valid(key, user, "turn.reminder.v1", good)
