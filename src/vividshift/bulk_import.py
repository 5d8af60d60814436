"""Bulk import input: CSV or JSON rows, validated all before any is written.

JSON: an array of objects, each the body of the resource's create endpoint.
CSV (UTF-8, header row): one column per field; empty cells are left out (defaults
apply); list fields (`skills`, `required_skills`) are separated by `,` or `;`
(`"cleaning,cooking"`, `cleaning;cooking`) or a JSON array; object fields
(`availability`, `preferences`, `metadata`, `constraints`) are JSON text; booleans
`true`/`false`, numbers as digits.
Rows are numbered from 1 (the first data row, after a CSV header). At most
10 000 rows per import. Quoting is strict: a quote left open or text after a
closing quote is refused with its line, not read into a name.
"""

import csv
import io
import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from vividshift.errors import AppError, ValidationFailed
from vividshift.fields import MAX_IMPORT_ROWS

M = TypeVar("M", bound=BaseModel)
LIST_SEPARATORS = re.compile(r"[,;]")
BOOLEAN_FIELDS = frozenset({"is_active"})

JSON_TYPES = ("application/json",)
CSV_TYPES = ("text/csv", "application/csv")


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "VALIDATION_ERROR"


class RowErrors(ValidationFailed):
    """Some rows are invalid; nothing was written. `details` lists each bad row."""


def parse_json_rows(raw: bytes) -> list[Any]:
    try:
        rows = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ValidationFailed("Invalid JSON", details=str(exc)[:200]) from None
    if not isinstance(rows, list):
        raise ValidationFailed("Expected a JSON array of rows")
    return rows


def parse_csv_rows(
    raw: bytes | str, *, list_fields: frozenset[str], json_fields: frozenset[str]
) -> list[Any]:
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValidationFailed("CSV must be UTF-8") from None
    if "\x00" in text:
        raise ValidationFailed("NUL characters (\\u0000) are not allowed")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    rows: list[Any] = []
    try:
        for record in reader:
            if len(rows) >= MAX_IMPORT_ROWS:
                rows.append(None)  # one past the limit is enough to refuse
                break
            rows.append(_csv_record(record, list_fields, json_fields))
    except csv.Error as exc:
        raise ValidationFailed("Invalid CSV", details=f"line {reader.line_num}: {exc}") from None
    return rows


class _BadCell(dict):
    """A CSV row whose cells could not be decoded; carries the reason."""


def _csv_record(
    record: dict[str | None, Any], list_fields: frozenset[str], json_fields: frozenset[str]
) -> dict[str, Any]:
    if None in record:
        return _BadCell(error="more cells than header columns")
    row: dict[str, Any] = {}
    for key, cell in record.items():
        if cell is None or cell == "":
            continue
        assert key is not None
        if key in json_fields or (key in list_fields and cell.lstrip().startswith("[")):
            try:
                row[key] = json.loads(cell)
            except (ValueError, RecursionError):
                return _BadCell(error=f"{key}: not valid JSON")
        elif key in list_fields:
            row[key] = [part.strip() for part in LIST_SEPARATORS.split(cell) if part.strip()]
        elif key in BOOLEAN_FIELDS and cell.strip().lower() in ("true", "false"):
            # A CSV cell is text; the models take only real booleans (no `0`/`yes`).
            row[key] = cell.strip().lower() == "true"
        else:
            row[key] = cell
    return row


def parse_rows(raw: bytes, content_type: str, **csv_fields: frozenset[str]) -> list[Any]:
    media = content_type.split(";")[0].strip().lower()
    if media in JSON_TYPES:
        return parse_json_rows(raw)
    if media in CSV_TYPES:
        return parse_csv_rows(raw, **csv_fields)
    raise UnsupportedMediaType(
        "Unsupported Content-Type", details="send application/json or text/csv"
    )


def validate_rows(rows: list[Any], model: type[M]) -> list[M]:
    """Every row as `model`, or RowErrors naming each bad row (1-based) and why."""
    if not rows:
        raise ValidationFailed("No rows to import")
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed(f"At most {MAX_IMPORT_ROWS} rows per import")
    valid: list[M] = []
    errors: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        if isinstance(row, _BadCell):
            errors.append({"row": number, "errors": [{"loc": [], "msg": row["error"]}]})
            continue
        if not isinstance(row, dict):
            errors.append({"row": number, "errors": [{"loc": [], "msg": "expected an object"}]})
            continue
        try:
            valid.append(model.model_validate(row))
        except ValidationError as exc:
            reasons = [
                {"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors(include_url=False)
            ]
            errors.append({"row": number, "errors": reasons})
    if errors:
        raise RowErrors(f"{len(errors)} invalid row(s); nothing was imported", details=errors)
    return valid
