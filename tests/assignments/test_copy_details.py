"""A run's details go to PostgreSQL as one COPY block of text, their metadata encoded by
orjson: what is stored is exactly the metadata given, whatever characters it holds."""

from tests.factories import make_assignment, make_domain, make_participant, make_target
from vividshift.assignments import queries
from vividshift.db import Connection

# What COPY's text format treats specially (backslash, tab, newline, carriage return,
# "\." on a line), JSON's escapes, quotes, control characters and text beyond ASCII.
AWKWARD = [
    "back\\slash \\N \\. \\\\",
    "tab\there\nnew line\r\nreturn",
    "\"quoted\" 'single' {braces} [brackets]",
    "\x01\x1f control \u2028 separator",
    "Zoë — 東京 🧹",
    "\\.",
]


async def test_stored_metadata_is_the_metadata_given(db: Connection) -> None:
    domain = await make_domain(db)
    people = [await make_participant(db, domain_id=domain["id"]) for _ in AWKWARD]
    task = await make_target(db, domain_id=domain["id"])
    run = await make_assignment(db, domain_id=domain["id"])
    rows = [
        (
            str(person["id"]),
            str(task["id"]),
            k + 1,
            {
                "participant_name": text,
                "nested": {text: [text, k, 0.1234, None, True]},
                "score": -1.5e-07,
                "big": 2**53 + 1,
            },
        )
        for k, (person, text) in enumerate(zip(people, AWKWARD, strict=True))
    ]

    assert await queries.copy_details(db, run["id"], rows) == len(rows)

    cur = await db.execute(
        "SELECT participant_id::text AS p, target_id::text AS t, position, metadata"
        " FROM assignment_details WHERE assignment_id = %s ORDER BY position",
        (run["id"],),
    )
    stored = [(r["p"], r["t"], r["position"], r["metadata"]) for r in await cur.fetchall()]
    assert stored == rows


async def test_no_rows_write_nothing(db: Connection) -> None:
    run = await make_assignment(db, domain_id=(await make_domain(db))["id"])
    assert await queries.copy_details(db, run["id"], []) == 0
    cur = await db.execute(
        "SELECT count(*) AS n FROM assignment_details WHERE assignment_id = %s", (run["id"],)
    )
    assert (await cur.fetchone())["n"] == 0
