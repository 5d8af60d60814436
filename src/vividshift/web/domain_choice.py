"""Which house the dashboard, people, tasks and history pages show: one at a time.

The choice, in order: `?domain=` (name or id; remembered in a cookie), the remembered
one while the caller still sees it, the first house the caller is a member of, the house
of the newest active rotation they see, else `default`. A domain the caller may not see
is the page's 404, as in the API. `first_time` is the empty state: a writer who sees no
house but the built-in ones, with nothing in `default` yet.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.responses import Response

from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains import service as domains
from vividshift.domains.access import DEFAULT_DOMAIN, OPEN_DOMAINS, domain_access
from vividshift.domains.schemas import DomainRead
from vividshift.web.session import is_https

DOMAIN_COOKIE = "vividshift_domain"
MAX_DOMAINS = 200


@dataclass(frozen=True)
class DomainChoice:
    current: DomainRead  # the house shown
    options: list[DomainRead]  # the active houses the caller sees, by display name
    first_time: bool
    remember: bool  # chosen by ?domain=: write the cookie

    @property
    def id(self) -> UUID:
        return self.current.id


def _ref(raw: str | None) -> str | None:
    return raw.strip()[:200] or None if raw else None


async def choose_domain(
    request: Request, db: Connection, user: Principal, asked: str | None = None
) -> DomainChoice:
    """The house this page shows and the ones the switcher offers."""
    listed = await domains.list_domains_for_page(db, user, MAX_DOMAINS)
    asked = _ref(asked)
    chosen: Any = None
    if asked is not None:  # 404 when unseen
        access = await domain_access(db, user, asked)
        chosen = await domains.get_domain(db, user, access.domain_id)
    if chosen is None:
        remembered = _ref(request.cookies.get(DOMAIN_COOKIE))
        chosen = next((d for d in listed if str(d.id) == remembered and d.is_active), None)
    if chosen is None:
        chosen = await domains.preferred_domain(db, user, listed)
    options = sorted(
        [d for d in listed if d.is_active or d.id == chosen.id],
        key=lambda d: (d.display_name.lower(), d.name),
    )
    only_builtin = all(d.name in OPEN_DOMAINS for d in listed)
    first_time = (
        user.role in ("admin", "user")
        and only_builtin
        and chosen.name == DEFAULT_DOMAIN
        and await domains.is_empty(db, chosen.id)
    )
    return DomainChoice(chosen, options, first_time, remember=asked is not None)


def remember_domain(request: Request, response: Response, domain_id: UUID | str) -> Response:
    """Show this house on the next pages (a preference, checked on every use)."""
    response.set_cookie(
        DOMAIN_COOKIE,
        str(domain_id),
        httponly=True,
        secure=is_https(request),
        samesite="lax",
        path="/",
        max_age=365 * 24 * 3600,
    )
    return response


def remember_choice(request: Request, response: Response, choice: DomainChoice) -> Response:
    """Keep an explicit choice (`?domain=`) for the next pages."""
    return remember_domain(request, response, choice.id) if choice.remember else response
