"""Which imported rows are people the domain already has: the same email
(case-insensitive), else — for a row without an email — the same name.

`on_duplicate` decides what happens to them: `create` (the HTTP import's behaviour: no
check), `skip` (keep the stored person), `update` (write the row's fields onto them) or
`fail` (nothing is imported; every duplicate is named). Two rows of one file with the
same key are duplicates too: `skip` keeps the first, `update` the last.
"""

from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

OnDuplicate = Literal["create", "skip", "update", "fail"]
ON_DUPLICATE: tuple[OnDuplicate, ...] = ("create", "skip", "update", "fail")


def row_key(row: dict[str, Any]) -> tuple[str, str]:
    """("email", address) when the row has one, else ("name", name), both casefolded."""
    email = row.get("email")
    if email:
        return ("email", str(email).casefold())
    return ("name", str(row["name"]).casefold())


@dataclass
class Sorted:
    """The rows split by what to do with them (indexes are 1-based row numbers)."""

    insert: list[dict[str, Any]] = field(default_factory=list)
    update: list[tuple[UUID, dict[str, Any]]] = field(default_factory=list)
    skipped: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)


def sort_rows(
    rows: list[dict[str, Any]],
    existing: dict[tuple[str, tuple[str, str]], UUID],
    on_duplicate: OnDuplicate,
) -> Sorted:
    """Split `rows` (each with `domain_id`) against `existing` ((domain, key) → id)."""
    out = Sorted()
    if on_duplicate == "create":
        out.insert = rows
        return out
    order = range(len(rows)) if on_duplicate != "update" else range(len(rows) - 1, -1, -1)
    seen: dict[tuple[str, tuple[str, str]], int] = {}
    chosen: dict[int, UUID | None] = {}
    for i in order:
        key = (rows[i]["domain_id"], row_key(rows[i]))
        stored = existing.get(key)
        if key in seen or stored is not None:
            what = (
                f"same {key[1][0]} as row {seen[key] + 1}"
                if key in seen
                else f"same {key[1][0]} as participant {stored}"
            )
            out.duplicates.append(
                {"row": i + 1, "errors": [{"loc": [key[1][0]], "msg": f"duplicate: {what}"}]}
            )
        if key in seen:
            out.skipped += 1
            continue
        seen[key] = i
        chosen[i] = stored
    out.duplicates.sort(key=lambda d: d["row"])
    if on_duplicate == "fail" and out.duplicates:
        return out
    for i in sorted(chosen):
        stored = chosen[i]
        if stored is None:
            out.insert.append(rows[i])
        elif on_duplicate == "update":
            out.update.append((stored, rows[i]))
        else:
            out.skipped += 1
    return out
