"""What the people and tasks pages share: the paged list and the CSV upload."""

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from vividshift.bulk_import import RowErrors, parse_csv_rows
from vividshift.errors import AppError, ValidationFailed
from vividshift.http.paging import Page, PageParams
from vividshift.web.render import readable_details, render

PAGE_SIZE = 50
MAX_UPLOAD = 5 * 1024 * 1024


def list_window(page: int) -> tuple[int, PageParams]:
    """The page number, kept within 1–10 000, and the rows it shows."""
    page = min(max(page, 1), 10_000)
    return page, PageParams(PAGE_SIZE, (page - 1) * PAGE_SIZE)


def render_list(
    request: Request,
    template: str,
    status_code: int,
    result: Page[Any],
    *,
    values: dict[str, Any],
    page: int,
    report: dict[str, Any] | None,
    **extra: Any,
) -> Response:
    """A list page: the rows, the filter values, page `page` of how many, an import
    report."""
    return render(
        request,
        template,
        status_code,
        result=result,
        values=values,
        page=page,
        pages=max(1, -(-result.total // PAGE_SIZE)),
        report=report,
        **extra,
    )


async def read_upload(form: FormData, name: str = "file") -> bytes | None:
    upload = form.get(name)
    if not isinstance(upload, UploadFile):
        return None
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ValidationFailed("The file is larger than 5 MB")
    return data or None


async def read_csv_rows(
    form: FormData, *, list_fields: frozenset[str], json_fields: frozenset[str]
) -> list[Any]:
    """The rows of the uploaded CSV file; 422 when no file was chosen."""
    raw = await read_upload(form)
    if raw is None:
        raise ValidationFailed("Choose a CSV file to import")
    return parse_csv_rows(raw, list_fields=list_fields, json_fields=json_fields)


def import_report(exc: AppError) -> dict[str, Any]:
    rows = exc.details if isinstance(exc, RowErrors) and isinstance(exc.details, list) else []
    return {
        "message": exc.message,
        "rows": [
            {"row": r["row"], "errors": readable_details(r["errors"])}
            for r in rows
            if isinstance(r, dict)
        ],
        "lines": [] if rows else readable_details(exc.details),
    }
