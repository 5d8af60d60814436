"""Rows that cross a layer boundary are frozen dataclasses, not dicts (read from the code,
and checked on the database for one query of each typed package)."""

import ast
import dataclasses
import re
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest

from tests.factories import (
    make_assignment,
    make_detail,
    make_domain,
    make_participant,
    make_target,
    make_user,
)
from vividshift.assignments import queries as run_queries
from vividshift.assignments.jobs import queries as job_queries
from vividshift.auth import queries as auth_queries
from vividshift.auth import service as auth_service
from vividshift.auth.deps import Principal
from vividshift.auth.service import ClientInfo
from vividshift.config import Settings
from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.entities import queries as entity_queries
from vividshift.fairshare import queries as fairshare_queries
from vividshift.feeds import queries as feed_queries
from vividshift.http.paging import PageParams, Sort
from vividshift.invitations import queries as invitation_queries
from vividshift.ledger import queries as ledger_queries
from vividshift.notifications import queries as notification_queries
from vividshift.ops import queries as ops_queries
from vividshift.participants import queries as participant_queries
from vividshift.rules import service as rules_service
from vividshift.schedules import queries as schedule_queries
from vividshift.targets import queries as target_queries
from vividshift.users import queries as user_queries

SRC = Path(__file__).resolve().parent.parent / "src" / "vividshift"
TYPED = (
    "users",
    "entities",
    "schedules",
    "idempotency",
    "invitations",
    "auth",
    "domains",
    "targets",
    "participants",
    "reminders",
    "feeds",
    "ops",
    "workgroups",
    "rota",
    "notifications",
    "ledger",
    "fairshare",
    "assignments/jobs",
    "assignments",
    "worker",
)
# The per-request session lookup is read on every request; it is typed with the work on
# that path (a session cache), not here.
LEFT_AS_DICTS = {
    "auth": {"get_live_session"},
    # The list endpoint's query is reworked for speed separately (it strips a window count).
    "participants": {"list_participants", "where_clause"},
    # Generation's bulk reads (10 000 people, JSON parsed by orjson; for a generation one
    # JSON array from PostgreSQL) feed the engine's converters by key; the caller's own
    # list (`/api/me/assignments`) is reworked for speed separately.
    "assignments": {
        "load_participants",
        "engine_participants",
        "load_targets",
        "linked_domains",
        "my_places",
    },
}


# A row by column name: `dict[str, Any]` or a bare `dict`. Typed maps (name → row,
# id → name) are not rows.
UNTYPED_ROW = re.compile(r"dict\[str, Any\]|\bdict\b(?!\[)|DictRow")


@pytest.mark.parametrize("package", TYPED)
def test_queries_of_typed_packages_return_no_dicts(package: str) -> None:
    tree = ast.parse((SRC / package / "queries.py").read_text())
    untyped = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
        and node.returns is not None
        and UNTYPED_ROW.search(ast.unparse(node.returns))
        and not node.name.startswith("_")  # private helpers (parameters) cross no boundary
        and not node.name.endswith("_sql")  # (sql, params) builders hand out no rows
        and node.name not in LEFT_AS_DICTS.get(package, set())
    ]
    assert untyped == []


def assert_frozen_row(row: object) -> None:
    assert dataclasses.is_dataclass(row) and not isinstance(row, type)
    field = dataclasses.fields(row)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(row, field, None)


async def test_queries_hand_out_frozen_rows(db: Connection) -> None:
    user = await make_user(db)
    found = await user_queries.get_user(db, user["id"])
    assert found is not None and found.username == user["username"]
    assert_frozen_row(found)

    domain = await make_domain(db)
    definition = await entity_queries.insert_definition(
        db, domain["id"], {"name": "room", "json_schema": {"type": "object"}}, None
    )
    assert_frozen_row(definition)
    rows, total = await entity_queries.list_definitions(db, domain["id"], PageParams(10, 0))
    assert total == 1 and rows[0].id == definition.id

    await schedule_queries.arm(db, domain["id"], "0 8 * * 1", "UTC", definition.created_at)
    cursor = await schedule_queries.get_cursor(db, domain["id"])
    assert cursor is not None and cursor.cron == "0 8 * * 1"
    assert_frozen_row(cursor)

    invitation = await invitation_queries.insert_invitation(
        db,
        invitation_id=uuid.uuid4(),
        domain_id=domain["id"],
        email="someone@example.org",
        role="member",
        participant_id=None,
        token_hash=b"x" * 32,
        created_by=None,
        expires_at=definition.created_at,
    )
    assert invitation.status == "expired"  # expires_at is in the past
    assert_frozen_row(invitation)


async def test_password_check_hands_out_an_account_or_none(
    db: Connection, settings: Settings
) -> None:
    password = "Typed-rows-7-correct-horse"
    made = await auth_service.create_user(
        db,
        username=f"typed{uuid.uuid4().hex[:8]}",
        email=f"{uuid.uuid4().hex[:8]}@example.org",
        password=password,
    )
    assert_frozen_row(made)
    principal = Principal(made.id, made.username, made.role, uuid.uuid4())
    client = ClientInfo(None, None)

    wrong = await auth_service.verify_current_password(db, settings, principal, "nope", client)
    assert wrong is None  # not an empty dict standing for "no"

    right = await auth_service.verify_current_password(db, settings, principal, password, client)
    assert right is not None and right.id == made.id
    assert_frozen_row(right)
    found = await auth_queries.find_user_by_login(db, made.username.upper())
    assert found is not None and found.password_hash == right.password_hash
    assert_frozen_row(found)


async def test_domain_queries_hand_out_frozen_rows(db: Connection) -> None:
    user = await make_user(db)
    domain = await domain_queries.insert_domain(
        db, {"name": f"typed-{uuid.uuid4().hex[:8]}", "display_name": "Typed"}, user["id"]
    )
    assert_frozen_row(domain)
    assert domain.configuration == {} and domain.version == "1.0"
    await domain_queries.upsert_member(db, domain.id, user["id"], "manager", None)
    member = await domain_queries.get_member(db, domain.id, user["id"])
    assert member is not None and member.username == user["username"]
    assert_frozen_row(member)
    rows, total = await domain_queries.list_domains(
        db, active_only=False, sort=Sort("name", False), page=PageParams(10), ids=[domain.id]
    )
    assert total == 1 and rows[0].id == domain.id
    assert_frozen_row(rows[0])
    empty, none = await domain_queries.list_domains(
        db, active_only=False, sort=Sort("name", False), page=PageParams(10, 5), ids=[domain.id]
    )
    assert (empty, none) == ([], 1)


async def test_target_and_participant_queries_hand_out_frozen_rows(db: Connection) -> None:
    domain = await make_domain(db)
    target = await target_queries.insert_target(
        db, {"name": "dishes", "required_skills": ["cook"]}, None, domain["id"]
    )
    assert_frozen_row(target)
    assert target.domain_id == domain["id"] and target.required_skills == ["cook"]
    targets, total = await target_queries.list_targets(
        db,
        active_only=True,
        requires_skill="cook",
        name_contains=None,
        sort=Sort("name", False),
        page=PageParams(10),
        domain_ids=[domain["id"]],
    )
    assert total == 1 and targets[0].id == target.id
    assert_frozen_row(targets[0])

    person = await participant_queries.insert_participant(
        db, {"name": "Ada", "skills": ["cook"]}, None, domain["id"]
    )
    assert_frozen_row(person)
    locked = await participant_queries.lock_participant(db, person.id)
    assert locked == person
    candidates, count = await target_queries.list_candidates(
        db, ["cook"], Sort("name", False), PageParams(10), domain["id"]
    )
    assert count == 1 and candidates[0].id == person.id
    assert_frozen_row(candidates[0])
    keys = await participant_queries.list_by_import_keys(db, [str(domain["id"])], [], ["ada"])
    assert [k.id for k in keys] == [person.id]


async def test_feed_queries_hand_out_frozen_rows(db: Connection) -> None:
    user = await make_user(db)
    feed = await feed_queries.insert_feed(db, "typed-hash", user["id"], user_id=user["id"])
    assert_frozen_row(feed)
    live = await feed_queries.get_live(db, user_id=user["id"])
    assert live == feed
    owner = await feed_queries.find_by_hash(db, "typed-hash")
    assert owner is not None and owner.username == user["username"] and owner.user_active
    assert_frozen_row(owner)


def test_rules_are_frozen_rows() -> None:
    for rules in (
        rules_service.list_strategies(),
        rules_service.list_validators(),
        rules_service.list_constraints(),
    ):
        assert rules and [r.name for r in rules] == sorted(r.name for r in rules)
        assert_frozen_row(rules[0])


def test_monitoring_queries_hand_out_frozen_rows(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        status = ops_queries.get_status(conn)
        assert status.max_connections > 0 and status.size_bytes > 0
        assert_frozen_row(status)
        sizes = ops_queries.list_table_sizes(conn)
        assert "participants" in {t.tablename for t in sizes}
        assert_frozen_row(sizes[0])
        for rows in (ops_queries.list_index_usage(conn), ops_queries.list_dead_tuples(conn)):
            assert rows
            assert_frozen_row(rows[0])


async def test_channel_and_preference_queries_hand_out_frozen_rows(db: Connection) -> None:
    user = await make_user(db)
    channel = await notification_queries.insert_channel(
        db, {"user_id": user["id"], "kind": "apprise", "name": "phone", "url": "ntfy://x/y"}
    )
    assert_frozen_row(channel)
    assert channel.events == [] and channel.secret is None
    assert await notification_queries.list_channels(db, user_id=user["id"]) == [channel]
    failed = await notification_queries.channel_failed(db, channel.id, 24, "down")
    assert failed is not None and failed.failing_since is not None and not failed.just_disabled
    assert_frozen_row(failed)
    prefs = await notification_queries.upsert_preferences(db, user["id"], {"reminder_hours": 2})
    assert prefs.reminder_hours == 2 and "turn.reminder.v1" in prefs.email_events
    assert await notification_queries.get_preferences(db, user["id"]) == prefs
    assert_frozen_row(prefs)


async def test_ledger_queries_hand_out_frozen_rows(db: Connection) -> None:
    domain = await make_domain(db)
    person = await make_participant(db, domain_id=domain["id"], name="Ada")
    task = await make_target(db, domain_id=domain["id"], effort=2)
    run = await make_assignment(db, domain_id=domain["id"])
    await make_detail(
        db,
        assignment_id=run["id"],
        participant_id=person["id"],
        target_id=task["id"],
        outcome="done",
        outcome_at=run["created_at"],
    )
    day = run["assignment_date"]
    places = await ledger_queries.closed_places(db, domain["id"], day, day)
    assert [(p.participant_id, p.effort, p.outcome) for p in places] == [
        (person["id"], 2.0, "done")
    ]
    assert_frozen_row(places[0])
    people = await ledger_queries.domain_people(db, domain["id"])
    assert [p.name for p in people] == ["Ada"]
    assert_frozen_row(people[0])
    targets = await ledger_queries.domain_targets(db, domain["id"])
    assert [t.id for t in targets] == [task["id"]]
    assert_frozen_row(targets[0])
    found = await domain_queries.get_domain(db, domain["id"])
    assert found is not None and found.name == domain["name"]
    assert_frozen_row(found)


async def test_fairshare_queries_hand_out_frozen_rows(db: Connection) -> None:
    domain = await make_domain(db)
    ada = await make_participant(db, domain_id=domain["id"], name="Ada")
    task = await make_target(db, domain_id=domain["id"], name="Dishes")
    run = await make_assignment(db, domain_id=domain["id"], status="active")
    detail = await make_detail(
        db, assignment_id=run["id"], participant_id=ada["id"], target_id=task["id"]
    )
    place = await fairshare_queries.get_place(db, run["id"], detail["id"], lock=False)
    assert place is not None and (place.participant_name, place.target_name) == ("Ada", "Dishes")
    assert_frozen_row(place)
    values = {
        "domain_id": domain["id"],
        "assignment_id": run["id"],
        "detail_id": detail["id"],
        "kind": "cover",
        "requester_id": ada["id"],
        "asked_participant_id": None,
        "auto_find": False,
        "note": None,
    }
    request = await fairshare_queries.insert_request(db, values)
    assert request.status == "open" and request.requester_id == ada["id"]
    assert_frozen_row(request)
    cancelled = await fairshare_queries.update_request(db, request.id, {"status": "cancelled"})
    assert cancelled.status == "cancelled"
    assert await fairshare_queries.get_request(db, request.id) == cancelled
    await fairshare_queries.insert_event(db, request.id, "requested", ada["id"])
    events = await fairshare_queries.list_events(db, request.id)
    assert [e.action for e in events] == ["requested"]
    assert_frozen_row(events[0])
    mine = await fairshare_queries.active_places_of(db, ada["id"])
    assert [(p.id, p.target_name) for p in mine] == [(detail["id"], "Dishes")]
    assert_frozen_row(mine[0])


async def test_job_queries_hand_out_frozen_rows(db: Connection) -> None:
    domain = await make_domain(db)
    job = await job_queries.insert_job(
        db,
        source="api",
        mode="in_process",
        request={"generate": {"seed": 1}},
        actor_id=None,
        requested_by=None,
        domain_id=domain["id"],
    )
    assert job is not None and job.status == "queued" and job.request["generate"] == {"seed": 1}
    assert_frozen_row(job)
    started = await job_queries.start(db, job.id)
    assert started is not None and started.attempts == 1 and started.status == "running"
    found = await job_queries.get_job(db, job.id)
    assert found is not None and found.queue_status is None and found.progress["percent"] == 10
    assert_frozen_row(found)
    assert await job_queries.domain_jobs(db, domain["id"], 5) == [found]


async def test_run_queries_hand_out_frozen_rows(db: Connection) -> None:
    domain = await make_domain(db)
    ada = await make_participant(db, domain_id=domain["id"], name="Ada")
    task = await make_target(db, domain_id=domain["id"], name="Dishes")
    run = await run_queries.insert_assignment(
        db,
        {
            "name": "typed",
            "description": None,
            "assignment_date": date(2031, 3, 4),
            "strategy_used": "optimal",
            "configuration": {},
            "metadata": {"k": 1},
            "created_by": None,
            "domain_id": domain["id"],
        },
    )
    assert run.status == "active" and run.metadata == {"k": 1} and run.domain_id == domain["id"]
    assert_frozen_row(run)
    await make_detail(db, assignment_id=run.id, participant_id=ada["id"], target_id=task["id"])
    assert await run_queries.get_assignment(db, run.id) == run
    details = await run_queries.get_details(db, run.id)
    assert [(d.participant_name, d.target_name) for d in details] == [("Ada", "Dishes")]
    assert_frozen_row(details[0])
    detail = await run_queries.get_detail(db, run.id, details[0].id)
    assert detail is not None and detail.participant_id == ada["id"]
    assert_frozen_row(detail)
    rows, total = await run_queries.list_assignments(
        db,
        date_from=None,
        date_to=None,
        status=None,
        strategy=None,
        domain_ids=[domain["id"]],
        limit=10,
        offset=0,
    )
    assert total == 1 and rows[0].id == run.id and rows[0].detail_count == 1
    assert_frozen_row(rows[0])
    past = await run_queries.past_runs(db, domain_id=domain["id"], until=date(2031, 3, 4), limit=5)
    assert [r.id for r in past] == [run.id]
    await run_queries.insert_history(db, run.id, "note", {"x": 1})
    history = await run_queries.get_history(db, run.id)
    assert [h.action for h in history][-1] == "note" and history[-1].changes == {"x": 1}
    assert_frozen_row(history[-1])
    rota, count = await run_queries.participant_rota(
        db, ada["id"], include_cancelled=False, limit=10, offset=0
    )
    assert count == 1 and rota[0].detail_id == detail.id
    assert_frozen_row(rota[0])
