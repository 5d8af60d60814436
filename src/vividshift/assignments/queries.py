"""SQL of assignment runs, their details and history. No rules here: the service decides.

Participants and targets are loaded here in bulk (all active, or a list of ids): the
participants/targets query modules page their lists and fetch one row by id, which
does not fit loading 10 000 rows for a run.
"""

import json
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import orjson
import psycopg.errors
from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb, set_json_loads

from vividshift.assignments.rows import (
    RUN_COLUMNS,
    RUN_FIELDS,
    AssignmentRow,
    DetailRow,
    HistoryRow,
    ListedRun,
    PastRun,
    RotaPlace,
    RunDetail,
)
from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.domains.queries import VISIBLE_DOMAIN_IDS
from vividshift.errors import Conflict

# A participant's recorded absences join the `unavailable` intervals of their availability,
# so every reader of the engine's eligibility (generation, edits, planning) honours them.
ENGINE_PARTICIPANT_COLUMNS = (
    "p.id, p.name, p.skills, p.preferences, p.metadata, p.is_active,"
    " CASE WHEN away.spans IS NULL THEN p.availability"
    " WHEN jsonb_typeof(p.availability) IS DISTINCT FROM 'object' THEN p.availability"
    " ELSE jsonb_set(p.availability, '{unavailable}',"
    " CASE WHEN jsonb_typeof(p.availability->'unavailable') = 'array'"
    " THEN p.availability->'unavailable' ELSE '[]'::jsonb END || away.spans)"
    " END AS availability"
)
ENGINE_PARTICIPANT_FROM = (
    "participants AS p LEFT JOIN LATERAL ("
    " SELECT jsonb_agg(jsonb_build_object('start', a.starts_at, 'end', a.ends_at)"
    " ORDER BY a.starts_at) AS spans"
    " FROM participant_absences AS a WHERE a.participant_id = p.id) AS away ON true"
)
ENGINE_TARGET_COLUMNS = (
    "id, name, required_count, required_skills, constraints, metadata, is_active, effort"
)
DETAIL_COPY = (
    "COPY assignment_details (assignment_id, participant_id, target_id, position, metadata)"
    " FROM STDIN"
)
LIST_SORT = "ORDER BY assignment_date DESC, created_at DESC, id DESC"


# --- inputs of a run --------------------------------------------------------------------


def _participants_of(domain_id: UUID, ids: Sequence[UUID] | None) -> tuple[str, tuple[Any, ...]]:
    """The condition of `load_participants`/`engine_participants`, with its parameters."""
    if ids is None:
        return "p.domain_id = %s AND p.is_active = true", (domain_id,)
    return "p.domain_id = %s AND p.id = ANY(%s)", (domain_id, list(ids))


async def load_participants(
    conn: Connection, domain_id: UUID, ids: Sequence[UUID] | None
) -> list[dict[str, Any]]:
    """The domain's active participants (ids None), or those of the domain with the given
    ids (any state): an id of another domain is not found."""
    where, params = _participants_of(domain_id, ids)
    sql = (
        f"SELECT {ENGINE_PARTICIPANT_COLUMNS} FROM {ENGINE_PARTICIPANT_FROM}"
        f" WHERE {where} ORDER BY p.id"
    )
    return await _fetch_bulk(conn, sql, params)


async def engine_participants(
    conn: Connection, domain_id: UUID, ids: Sequence[UUID] | None
) -> list[dict[str, Any]]:
    """`load_participants` (the id as text) for a generation: the rows come as one JSON
    array built here and parsed by orjson at once, instead of a row and four JSON values
    per person decoded one by one."""
    where, params = _participants_of(domain_id, ids)
    sql = (
        "SELECT coalesce(json_agg(row_to_json(x) ORDER BY x.id), '[]')::text"
        f" FROM (SELECT {ENGINE_PARTICIPANT_COLUMNS} FROM {ENGINE_PARTICIPANT_FROM}"
        f" WHERE {where}) AS x"
    )
    async with conn.cursor(row_factory=tuple_row) as cur:
        await cur.execute(sql, params)
        row = await cur.fetchone()
    assert row is not None
    return _json_loads(row[0])


async def load_targets(
    conn: Connection, domain_id: UUID, ids: Sequence[UUID] | None
) -> list[dict[str, Any]]:
    """The domain's active targets (ids None), or those of the domain with the given ids
    (any state): an id of another domain is not found."""
    if ids is None:
        sql = (
            f"SELECT {ENGINE_TARGET_COLUMNS} FROM assignment_targets"
            " WHERE domain_id = %s AND is_active = true ORDER BY id"
        )
        return await _fetch_bulk(conn, sql, (domain_id,))
    sql = (
        f"SELECT {ENGINE_TARGET_COLUMNS} FROM assignment_targets"
        " WHERE domain_id = %s AND id = ANY(%s) ORDER BY id"
    )
    return await _fetch_bulk(conn, sql, (domain_id, list(ids)))


async def _fetch_bulk(conn: Connection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows of a bulk read, their JSON columns parsed by orjson (four per person: the
    standard library's parser was most of reading 10 000 people)."""
    async with conn.cursor() as cur:
        set_json_loads(_json_loads, cur)
        await cur.execute(sql, params)
        return await cur.fetchall()


def _json_loads(data: bytes | bytearray | memoryview | str) -> Any:
    """orjson, or the standard parser for what orjson refuses: a number beyond a double
    (jsonb holds any numeric, e.g. 1e400). Integers beyond 64 bits orjson reads as
    floats; the engine reads no such number from a person or a target."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(bytes(data) if isinstance(data, memoryview) else data)


async def past_runs(conn: Connection, *, domain_id: UUID, until: date, limit: int) -> list[PastRun]:
    """The latest `limit` non-cancelled runs of the domain dated on or before `until`
    (id, assignment_date, created_at); latest first by (assignment_date, created_at). A
    run being generated is not stored yet, so every run of its own date is earlier."""
    return await fetch_all(
        conn,
        PastRun,
        f"""
        SELECT id, assignment_date, created_at FROM assignments
         WHERE domain_id = %(domain_id)s AND status <> 'cancelled'
           AND assignment_date <= %(until)s
         {LIST_SORT} LIMIT %(limit)s
        """,
        {"domain_id": domain_id, "until": until, "limit": limit},
    )


async def past_places(
    conn: Connection, run_ids: Sequence[UUID], people: Sequence[str], targets: Sequence[str]
) -> tuple[list[int], list[int], list[int]]:
    """Every place of those runs as three integer arrays: the person's index in `people`
    (-1: not listed), the target's index in `targets` (-1: not listed) and the index in
    `run_ids` of its run. Numbered here, one row in all: no id is read back as text and
    no row is built per place or per person (`engine.past.PastPlaces` takes them)."""
    if not run_ids:
        return [], [], []
    async with conn.cursor(row_factory=tuple_row, binary=True) as cur:
        await cur.execute(
            """
            SELECT coalesce(array_agg(coalesce(p.i::int, 0) - 1), '{}'),
                   coalesce(array_agg(coalesce(t.j::int, 0) - 1), '{}'),
                   coalesce(array_agg(r.k::int - 1), '{}')
              FROM unnest(%(runs)s::uuid[]) WITH ORDINALITY AS r(id, k)
              JOIN assignment_details AS d ON d.assignment_id = r.id
              LEFT JOIN unnest(string_to_array(%(people)s, ',')::uuid[]) WITH ORDINALITY
                        AS p(id, i) ON p.id = d.participant_id
              LEFT JOIN unnest(string_to_array(%(targets)s, ',')::uuid[]) WITH ORDINALITY
                        AS t(id, j) ON t.id = d.target_id
            """,
            # The ids as one text each: 10 000 of them dumped as a list took longer.
            {"runs": list(run_ids), "people": ",".join(people), "targets": ",".join(targets)},
        )
        row = await cur.fetchone()
    assert row is not None
    return row[0], row[1], row[2]


async def active_run(conn: Connection, *, domain_id: UUID, on: date) -> AssignmentRow | None:
    """The active plain run of (domain, date), locked (the partial unique index allows
    one); runs of a rota's turns have their own rule, per turn start."""
    sql = (
        f"SELECT {RUN_FIELDS} FROM assignments WHERE domain_id = %s AND assignment_date = %s"
        " AND status = 'active' AND turn_start IS NULL FOR UPDATE"
    )
    return await fetch_one(conn, AssignmentRow, sql, (domain_id, on))


async def lock_generation(conn: Connection, key: str, timeout_ms: int) -> None:
    """Take the transaction-level advisory lock of a (domain, date) generation, waiting at
    most `timeout_ms` (then psycopg.errors.LockNotAvailable)."""
    await conn.execute("SELECT set_config('lock_timeout', %s, true)", (f"{int(timeout_ms)}ms",))
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext('vividshift.generate'), hashtext(%s))", (key,)
    )
    await conn.execute("SELECT set_config('lock_timeout', '0', true)")


# --- writing a run ----------------------------------------------------------------------


async def insert_assignment(conn: Connection, values: dict[str, Any]) -> AssignmentRow:
    """A new run (status `values["status"]`, default active); a second active run of its
    (domain, date) raises Conflict, and the caller's transaction is rolled back.
    `created_at` is the moment of the insert, not of the transaction's start: history
    orders runs of one date by it, and several runs may be made in one transaction (an
    import, a test)."""
    try:
        row = await fetch_one(
            conn,
            AssignmentRow,
            f"""
            INSERT INTO assignments
                (name, description, assignment_date, strategy_used, configuration,
                 metadata, created_by, status, domain_id, created_at, updated_at)
            VALUES (%(name)s, %(description)s, %(assignment_date)s, %(strategy_used)s,
                    %(configuration)s, %(metadata)s, %(created_by)s, %(status)s,
                    COALESCE(%(domain_id)s, default_domain_id()),
                    clock_timestamp(), clock_timestamp())
            RETURNING {RUN_FIELDS}
            """,
            {"status": "active", "domain_id": None}
            | values
            | {
                "configuration": Jsonb(values["configuration"]),
                "metadata": Jsonb(values["metadata"]),
            },
        )
    except psycopg.errors.UniqueViolation:
        domain = values["configuration"].get("domain")
        raise Conflict(
            "This domain already has an active run on that date",
            details={"domain": domain, "assignment_date": str(values["assignment_date"])},
        ) from None
    assert row is not None
    return row


async def copy_details(
    conn: Connection, assignment_id: UUID, rows: Sequence[tuple[str, str, int, dict[str, Any]]]
) -> int:
    """All details of a run with one COPY: (participant id, target id, position, metadata)."""
    return await copy_detail_lines(conn, assignment_id, copy_lines(rows))


async def copy_detail_lines(conn: Connection, assignment_id: UUID, lines: Sequence[bytes]) -> int:
    """Details encoded by `copy_lines` with one COPY, sent as one block of text: a
    `write_row` per detail and the standard library's JSON encoder were a third of the
    write; the rest is the server's side (foreign keys, the indexes, the GIN of
    `metadata`)."""
    run = f"{assignment_id}\t".encode()
    async with conn.cursor() as cur, cur.copy(DETAIL_COPY) as copy:
        await copy.write(b"".join(run + line for line in lines))
    return len(lines)


def copy_lines(rows: Sequence[tuple[str, str, int, dict[str, Any]]]) -> list[bytes]:
    """Each row as a line of COPY's text format, but for the leading run id (the run
    may not be stored yet). orjson writes no control character unescaped, so a JSON text
    needs only its backslashes doubled to be a COPY field; ids are UUIDs and positions
    integers (nothing to escape)."""
    return [
        f"{pid}\t{tid}\t{position}\t".encode()
        + orjson.dumps(metadata).replace(b"\\", b"\\\\")
        + b"\n"
        for pid, tid, position, metadata in rows
    ]


async def insert_details_row_by_row(
    conn: Connection, assignment_id: UUID, rows: Sequence[tuple[str, str, int, dict[str, Any]]]
) -> int:
    """The naive way (one INSERT per detail): only the benchmark's baseline uses it."""
    async with conn.cursor() as cur:
        for pid, tid, position, metadata in rows:
            await cur.execute(
                "INSERT INTO assignment_details"
                " (assignment_id, participant_id, target_id, position, metadata)"
                " VALUES (%s, %s, %s, %s, %s)",
                (assignment_id, pid, tid, position, Jsonb(metadata)),
            )
    return len(rows)


async def insert_history(
    conn: Connection,
    assignment_id: UUID,
    action: str,
    changes: dict[str, Any],
    metadata: dict[str, Any] | None = None,
) -> None:
    """An explicit history row, attributed to the transaction's acting user."""
    await conn.execute(
        "INSERT INTO assignment_history (assignment_id, action, changes, changed_by, changed_at,"
        " metadata) VALUES (%s, %s, %s, app_current_user_id(), clock_timestamp(), %s)",
        (assignment_id, action, Jsonb(changes), Jsonb(metadata or {})),
    )


# --- reading runs -----------------------------------------------------------------------


async def get_assignment(
    conn: Connection, assignment_id: UUID, *, lock: bool = False
) -> AssignmentRow | None:
    sql = f"SELECT {RUN_FIELDS} FROM assignments WHERE id = %s" + (" FOR UPDATE" if lock else "")
    return await fetch_one(conn, AssignmentRow, sql, (assignment_id,))


async def list_assignments(
    conn: Connection,
    *,
    date_from: date | None,
    date_to: date | None,
    status: str | None,
    strategy: str | None,
    domain_ids: list[UUID] | None,
    limit: int,
    offset: int,
) -> tuple[list[ListedRun], int]:
    """A page of runs (of the domains `domain_ids`; None: every domain) and the count of
    all matching."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if date_from is not None:
        conditions.append("assignment_date >= %(date_from)s")
        params["date_from"] = date_from
    if date_to is not None:
        conditions.append("assignment_date <= %(date_to)s")
        params["date_to"] = date_to
    if status is not None:
        conditions.append("status = %(status)s")
        params["status"] = status
    if strategy is not None:
        conditions.append("strategy_used = %(strategy)s")
        params["strategy"] = strategy
    if domain_ids is not None:
        conditions.append("domain_id = ANY(%(domain_ids)s::uuid[])")
        params["domain_ids"] = domain_ids
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    rows = await fetch_all(
        conn,
        ListedRun,
        f"""
        SELECT {RUN_COLUMNS},
               (SELECT count(*) FROM assignment_details d WHERE d.assignment_id = a.id)
                   AS detail_count,
               count(*) OVER () AS total
          FROM assignments a {where} {LIST_SORT} LIMIT %(limit)s OFFSET %(offset)s
        """,
        params | {"limit": limit, "offset": offset},
    )
    if rows:
        return rows, rows[0].total
    cur = await conn.execute(f"SELECT count(*) AS n FROM assignments {where}", params)
    total = await cur.fetchone()
    return rows, total["n"] if total else 0


async def get_details(conn: Connection, assignment_id: UUID) -> list[RunDetail]:
    """The schema's query: details with participant and target names, by target and
    position."""
    return await fetch_all(
        conn,
        RunDetail,
        """
        SELECT d.id, d.participant_id, d.target_id, d.position, d.metadata, d.created_at,
               d.outcome, p.name AS participant_name, t.name AS target_name
          FROM assignment_details d
          JOIN participants p ON d.participant_id = p.id
          JOIN assignment_targets t ON d.target_id = t.id
         WHERE d.assignment_id = %s
         ORDER BY t.name, d.target_id, d.position, d.id
        """,
        (assignment_id,),
    )


async def get_detail(conn: Connection, assignment_id: UUID, detail_id: UUID) -> DetailRow | None:
    sql = (
        "SELECT id, assignment_id, participant_id, target_id, position, metadata, created_at,"
        " rota_participant_id, pinned, outcome, outcome_at, outcome_by"
        " FROM assignment_details WHERE id = %s AND assignment_id = %s FOR UPDATE"
    )
    return await fetch_one(conn, DetailRow, sql, (detail_id, assignment_id))


async def set_detail_participant(
    conn: Connection, detail_id: UUID, participant_id: UUID, metadata: dict[str, Any]
) -> None:
    await conn.execute(
        "UPDATE assignment_details SET participant_id = %s, metadata = %s WHERE id = %s",
        (participant_id, Jsonb(metadata), detail_id),
    )


async def swap_detail_participants(conn: Connection, first: DetailRow, second: DetailRow) -> None:
    """Exchange the participants of two details in one statement (the unique key on
    (assignment, participant, target) is checked per row, so no temporary value)."""
    await conn.execute(
        """
        UPDATE assignment_details d
           SET participant_id = v.participant_id, metadata = v.metadata
          FROM (VALUES (%s::uuid, %s::uuid, %s::jsonb), (%s::uuid, %s::uuid, %s::jsonb))
               AS v(id, participant_id, metadata)
         WHERE d.id = v.id
        """,
        (
            first.id,
            second.participant_id,
            Jsonb(first.metadata),
            second.id,
            first.participant_id,
            Jsonb(second.metadata),
        ),
    )


async def detail_pairs(conn: Connection, assignment_id: UUID) -> list[tuple[str, str]]:
    cur = await conn.execute(
        "SELECT participant_id::text AS p, target_id::text AS t FROM assignment_details"
        " WHERE assignment_id = %s",
        (assignment_id,),
    )
    return [(r["p"], r["t"]) for r in await cur.fetchall()]


async def update_assignment(
    conn: Connection, assignment_id: UUID, changes: dict[str, Any]
) -> AssignmentRow | None:
    columns = [c for c in ("name", "description", "status", "metadata") if c in changes]
    values = {c: Jsonb(changes[c]) if c == "metadata" else changes[c] for c in columns}
    return await fetch_one(
        conn,
        AssignmentRow,
        f"UPDATE assignments SET {', '.join(f'{c} = %({c})s' for c in columns)}"
        f" WHERE id = %(id)s RETURNING {RUN_FIELDS}",
        values | {"id": assignment_id},
    )


async def get_history(conn: Connection, assignment_id: UUID) -> list[HistoryRow]:
    return await fetch_all(
        conn,
        HistoryRow,
        """
        SELECT h.id, h.action, h.changes, h.changed_by, u.username AS changed_by_username,
               h.changed_at, h.metadata
          FROM assignment_history h LEFT JOIN users u ON u.id = h.changed_by
         WHERE h.assignment_id = %s
         ORDER BY h.changed_at, h.id
        """,
        (assignment_id,),
    )


async def participant_rota(
    conn: Connection, participant_id: UUID, *, include_cancelled: bool, limit: int, offset: int
) -> tuple[list[RotaPlace], int]:
    status = "" if include_cancelled else "AND a.status <> 'cancelled'"
    rows = await fetch_all(
        conn,
        RotaPlace,
        f"""
        SELECT d.id AS detail_id, a.id AS assignment_id, a.name AS assignment_name,
               a.assignment_date, a.status, a.strategy_used, d.target_id,
               t.name AS target_name, d.position, d.metadata, count(*) OVER () AS total
          FROM assignment_details d
          JOIN assignments a ON a.id = d.assignment_id
          JOIN assignment_targets t ON t.id = d.target_id
         WHERE d.participant_id = %(pid)s {status}
         ORDER BY a.assignment_date DESC, a.created_at DESC, t.name, d.id
         LIMIT %(limit)s OFFSET %(offset)s
        """,
        {"pid": participant_id, "limit": limit, "offset": offset},
    )
    if rows or offset == 0:
        return rows, rows[0].total if rows else 0
    cur = await conn.execute(
        "SELECT count(*) AS n FROM assignment_details d JOIN assignments a"
        f" ON a.id = d.assignment_id WHERE d.participant_id = %s {status}",
        (participant_id,),
    )
    total = await cur.fetchone()
    return rows, total["n"] if total else 0


async def participant_domain(conn: Connection, participant_id: UUID) -> UUID | None:
    """The domain of a participant; None when there is no such participant."""
    cur = await conn.execute("SELECT domain_id FROM participants WHERE id = %s", (participant_id,))
    row = await cur.fetchone()
    return row["domain_id"] if row else None


async def delete_history_batch(db: Connection, *, older_than_days: int, batch_size: int) -> int:
    """Delete up to `batch_size` assignment_history rows older than the age; how many.
    Small batches keep each delete's locks and WAL short on a large table."""
    cur = await db.execute(
        """DELETE FROM assignment_history
           WHERE id IN (SELECT id FROM assignment_history
                        WHERE changed_at < now() - make_interval(days => %s)
                        LIMIT %s)""",
        (older_than_days, batch_size),
    )
    return cur.rowcount


# --- the caller's own places ------------------------------------------------------------


async def linked_domains(
    conn: Connection, user_id: UUID, visibility: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The domains where a participant is linked to the user (through the partial index
    on participants.user_id), with their zone; with `visibility`
    (`domains.access.visibility`), only those it lets them read (one round trip)."""
    cur = await conn.execute(
        f"""
        SELECT DISTINCT d.id, d.name, d.display_name, d.configuration->>'timezone' AS timezone
          FROM participants AS p JOIN domains AS d ON d.id = p.domain_id
         WHERE p.user_id = %(user)s
           AND (%(visible_to)s::uuid IS NULL OR d.id IN ({VISIBLE_DOMAIN_IDS}))
        """,
        {"user": user_id, "visible_to": None, "open_domains": []} | (visibility or {}),
    )
    return await cur.fetchall()


async def linked_participant_ids(conn: Connection, user_id: UUID) -> list[UUID]:
    """The participants linked to the user (one per domain at most)."""
    cur = await conn.execute("SELECT id FROM participants WHERE user_id = %s", (user_id,))
    return [r["id"] for r in await cur.fetchall()]


WHEN = {
    # Upcoming: active runs from today (in each house's zone), soonest first; past: runs
    # that happened (active or completed) before today, latest first; all: both.
    "upcoming": ("a.status = 'active' AND a.assignment_date >= today.day", ""),
    "past": ("a.status <> 'cancelled' AND a.assignment_date < today.day", "DESC"),
    "all": ("a.status <> 'cancelled'", "DESC"),
}


async def my_places(
    conn: Connection,
    user_id: UUID,
    today: dict[UUID, date],
    *,
    when: str,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """The details held by the participants linked to the user in the domains of `today`
    (domain id → today's date there), with run, task and the others on the same task
    (`others`: JSON text of [participant_id, name, position] triples, or NULL; the run's
    and the target's windows as JSON text, or NULL):
    participants.user_id → assignment_details.participant_id → assignments, all indexed."""
    condition, direction = WHEN[when]
    # The page is chosen first (indexed joins only); names and the others on the same
    # task are looked up for its rows alone.
    cur = await conn.execute(
        f"""
        WITH page AS (
            SELECT d.id AS detail_id, d.position, d.assignment_id, d.target_id, d.outcome,
                   a.name AS assignment_name, a.assignment_date, a.status,
                   (a.configuration->'window')::text AS run_window, a.domain_id,
                   a.created_at, p.id AS participant_id,
                   count(*) OVER () AS total
              FROM participants AS p
              JOIN unnest(%(domains)s::uuid[], %(days)s::date[]) AS today(domain_id, day)
                ON today.domain_id = p.domain_id
              JOIN assignment_details AS d ON d.participant_id = p.id
              JOIN assignments AS a ON a.id = d.assignment_id
             WHERE p.user_id = %(user)s AND {condition}
             ORDER BY a.assignment_date {direction}, a.created_at {direction}, d.id
             LIMIT %(limit)s OFFSET %(offset)s
        )
        SELECT page.*, t.name AS target_name,
               (t.constraints->'time_window')::text AS target_window,
               -- Compact [id, name, position] triples as JSON text: decoded once by the
               -- caller, never built as jsonb objects here (most of this query's cost).
               (SELECT json_agg(json_build_array(o.participant_id, op.name, o.position)
                                ORDER BY o.position, op.name)::text
                  FROM assignment_details AS o JOIN participants AS op ON op.id = o.participant_id
                 WHERE o.assignment_id = page.assignment_id AND o.target_id = page.target_id
                   AND o.id <> page.detail_id) AS others
          FROM page JOIN assignment_targets AS t ON t.id = page.target_id
         ORDER BY page.assignment_date {direction}, page.created_at {direction},
                  page.detail_id
        """,
        {
            "user": user_id,
            "domains": list(today),
            "days": list(today.values()),
            "limit": limit,
            "offset": offset,
        },
    )
    rows = await cur.fetchall()
    if rows or offset == 0:
        return rows, rows[0]["total"] if rows else 0
    cur = await conn.execute(
        f"""
        SELECT count(*) AS n FROM participants AS p
          JOIN unnest(%(domains)s::uuid[], %(days)s::date[]) AS today(domain_id, day)
            ON today.domain_id = p.domain_id
          JOIN assignment_details AS d ON d.participant_id = p.id
          JOIN assignments AS a ON a.id = d.assignment_id
         WHERE p.user_id = %(user)s AND {condition}
        """,
        {"user": user_id, "domains": list(today), "days": list(today.values())},
    )
    total = await cur.fetchone()
    return rows, total["n"] if total else 0


async def inputs_fingerprint(conn: Connection, domain_id: UUID, until: date) -> str:
    """A digest of everything a generation of the domain on `until` reads: the domain
    row, its participants, their absences and its targets (each row's `updated_at`,
    moved by every change), and its runs up to that date with their placements and
    outcomes (the ledger). Equal digests: equal inputs. A run's places are summed as
    64-bit hashes of each row (count and sum: no sort, no string of every place), a row's
    hash combining its columns' typed hashes (each with its own seed, so that values
    moved between columns count as a change): hashing a text of the row instead was
    half of the query."""
    cur = await conn.execute(
        """
        SELECT md5(concat_ws('|',
            (SELECT updated_at::text FROM domains WHERE id = %(d)s),
            (SELECT string_agg(id::text || updated_at::text, ',' ORDER BY id)
               FROM participants WHERE domain_id = %(d)s),
            (SELECT string_agg(id::text || updated_at::text, ',' ORDER BY id)
               FROM assignment_targets WHERE domain_id = %(d)s),
            (SELECT string_agg(id::text || updated_at::text, ',' ORDER BY id)
               FROM participant_absences WHERE domain_id = %(d)s),
            (SELECT string_agg(a.id::text || a.status || a.updated_at::text || coalesce(
                        (SELECT count(*)::text || ':' || sum(
                                    uuid_hash_extended(x.id, 0)
                                    # uuid_hash_extended(x.participant_id, 1)
                                    # uuid_hash_extended(x.target_id, 2)
                                    # coalesce(hashint4extended(x.position, 3), 3)
                                    # coalesce(hashtextextended(x.outcome, 4), 4)
                                    # coalesce(uuid_hash_extended(x.rota_participant_id, 5), 5)
                                )::text
                           FROM assignment_details x WHERE x.assignment_id = a.id), ''),
                    ',' ORDER BY a.id)
               FROM assignments a
              WHERE a.domain_id = %(d)s AND a.assignment_date <= %(until)s)
        )) AS fingerprint
        """,
        {"d": domain_id, "until": until},
    )
    row = await cur.fetchone()
    assert row is not None
    return str(row["fingerprint"])
