"""A first house: create it from the dashboard's empty state, and the CSV templates
for its people and tasks (the columns the imports read, with one example row each)."""

import csv
import io

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from vividshift.db import Db
from vividshift.domains import service as domains
from vividshift.domains.schemas import DomainCreate
from vividshift.errors import AppError
from vividshift.web.deps import Form, PageReader, PageWriter
from vividshift.web.domain_choice import remember_domain
from vividshift.web.forms import pydantic_errors, text
from vividshift.web.idempotency import form_key, readable
from vividshift.web.render import download, error_page, redirect

router = APIRouter(tags=["web"], include_in_schema=False)

PEOPLE_TEMPLATE = [
    ["name", "email", "phone", "skills", "availability", "metadata"],
    [
        "Ana Example",
        "ana@example.org",
        "",
        "cooking;cleaning",
        '{"saturday": {"13:00": "unavailable"}}',
        '{"group": "A"}',
    ],
]
TASKS_TEMPLATE = [
    ["name", "description", "required_count", "required_skills", "constraints", "metadata"],
    ["Kitchen", "Counters, sink and floor", "2", "cleaning", '{"no_repeat_window": 1}', ""],
]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@router.get("/people/template.csv")
async def people_template(request: Request, _: PageReader) -> Response:
    """The CSV template of the people import (header and one example row)."""
    return download(request, _csv(PEOPLE_TEMPLATE), "text/csv", "people-template.csv")


@router.get("/tasks/template.csv")
async def tasks_template(request: Request, _: PageReader) -> Response:
    """The CSV template of the tasks import (header and one example row)."""
    return download(request, _csv(TASKS_TEMPLATE), "text/csv", "tasks-template.csv")


@router.post("/houses")
async def create_house(request: Request, user: PageWriter, db: Db, form: Form) -> Response:
    """Create a house, the caller its manager, and show its (empty) people page."""
    display_name = text(form, "display_name")
    name = text(form, "name") or "-".join(display_name.lower().split())
    try:
        body = DomainCreate.model_validate({"name": name, "display_name": display_name or name})
        created, _ = await domains.create_domain(db, user, body, idempotency_key=form_key(form))
    except ValidationError as exc:
        lines = [f"{field}: {message}" for field, message in pydantic_errors(exc).items()]
        return error_page(request, 422, "The house could not be created.", lines)
    except AppError as exc:
        failure = readable(exc)
        return error_page(request, exc.status_code, failure.message, failure.details)
    ready = f"{created.display_name} is ready: add its people, then its tasks."
    response = redirect(request, "/people", flash=ready)
    return remember_domain(request, response, created.id)
