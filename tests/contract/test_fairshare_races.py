"""Writes of fair share racing each other on separate connections: two outcome markings
of one place at once, and approve against cancel of one accepted request. Each ends in
one consistent state, never half of each."""

import asyncio
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tests.factories import insert_row, make_domain
from vividshift.errors import Conflict
from vividshift.fairshare.outcomes import mark_outcome
from vividshift.fairshare.requests import decide
from vividshift.fairshare.schemas import OutcomeRequest

ROUNDS = 4


async def _connect(url: str) -> psycopg.AsyncConnection:
    return await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)


async def _place(url: str) -> dict[str, Any]:
    async with await _connect(url) as setup:
        domain = await make_domain(setup)
        people = [
            await insert_row(setup, "participants", {"name": f"P{k}", "domain_id": domain["id"]})
            for k in range(3)
        ]
        target = await insert_row(
            setup, "assignment_targets", {"name": "Bin", "domain_id": domain["id"]}
        )
        run = await insert_row(
            setup,
            "assignments",
            {
                "strategy_used": "balanced_rotation",
                "domain_id": domain["id"],
                "assignment_date": date(2026, 11, 2),
            },
        )
        place = await insert_row(
            setup,
            "assignment_details",
            {
                "assignment_id": run["id"],
                "participant_id": people[0]["id"],
                "target_id": target["id"],
            },
        )
    return {"domain": domain, "people": people, "run": run, "place": place}


async def test_two_markings_of_one_place_at_once_are_one_after_the_other(
    fresh_db_url: str,
) -> None:
    for _ in range(ROUNDS):
        h = await _place(fresh_db_url)
        rota, first, second = (p["id"] for p in h["people"])

        async def mark(by: Any, h: dict[str, Any] = h) -> None:
            async with await _connect(fresh_db_url) as conn:
                await mark_outcome(
                    conn,
                    None,
                    h["run"]["id"],
                    h["place"]["id"],
                    OutcomeRequest(outcome="covered", by=by),
                )

        await asyncio.gather(mark(first), mark(second))
        async with await _connect(fresh_db_url) as check:
            row = await (
                await check.execute(
                    "SELECT participant_id, rota_participant_id, outcome"
                    " FROM assignment_details WHERE id = %s",
                    (h["place"]["id"],),
                )
            ).fetchone()
            history = await (
                await check.execute(
                    "SELECT changes FROM assignment_history"
                    " WHERE assignment_id = %s AND action = 'outcome'",
                    (h["run"]["id"],),
                )
            ).fetchall()
        # The rota's person stays the rota's person whichever marking came second, and
        # the history chains: the second marking saw what the first had written.
        assert row["rota_participant_id"] == rota and row["outcome"] == "covered"
        moves = [h_["changes"]["participant_id"] for h_ in history]
        assert len(moves) == 2
        first_move = next(m for m in moves if m["old"] == str(rota))
        second_move = next(m for m in moves if m is not first_move)
        assert second_move["old"] == first_move["new"]
        assert second_move["new"] == str(row["participant_id"])


async def test_approve_and_cancel_of_one_request_at_once_give_one_decision(
    fresh_db_url: str,
) -> None:
    for _ in range(ROUNDS):
        h = await _place(fresh_db_url)
        requester, taker = h["people"][0]["id"], h["people"][1]["id"]
        async with await _connect(fresh_db_url) as setup:
            request = await insert_row(
                setup,
                "place_requests",
                {
                    "domain_id": h["domain"]["id"],
                    "assignment_id": h["run"]["id"],
                    "detail_id": h["place"]["id"],
                    "kind": "cover",
                    "requester_id": requester,
                    "status": "accepted",
                    "accepted_participant_id": taker,
                },
            )

        async def one(decision: str, request: dict[str, Any] = request) -> str:
            async with await _connect(fresh_db_url) as conn:
                try:
                    await decide(conn, None, request["id"], decision)
                except Conflict:
                    return "409"
                return decision

        results = sorted(await asyncio.gather(one("approve"), one("cancel")))
        assert results in (["409", "approve"], ["409", "cancel"]), results
        async with await _connect(fresh_db_url) as check:
            status = (
                await (
                    await check.execute(
                        "SELECT status FROM place_requests WHERE id = %s", (request["id"],)
                    )
                ).fetchone()
            )["status"]
            doer = (
                await (
                    await check.execute(
                        "SELECT participant_id FROM assignment_details WHERE id = %s",
                        (h["place"]["id"],),
                    )
                ).fetchone()
            )["participant_id"]
            events = await (
                await check.execute(
                    "SELECT action FROM place_request_events WHERE request_id = %s",
                    (request["id"],),
                )
            ).fetchall()
        if "approve" in results:
            assert (status, doer) == ("done", taker)
            assert [e["action"] for e in events] == ["approved"]
        else:
            assert (status, doer) == ("cancelled", requester)
            assert [e["action"] for e in events] == ["cancelled"]
