"""Permissions of the page's routes, in the same deny-by-default scheme as the API.

`web_reader`, `web_writer`, `web_admin` and `web_authenticated` resolve the caller from
the session cookie (or a bearer header, see `session`) and admit the same roles as the
API's Reader/Writer/AdminUser/Authenticated, through the same `require_permission`, so
`route_permission` (and the route-matrix test) sees what each page requires. A missing
sign-in raises `Unauthorized` (a browser is sent to the sign-in page, any other client
gets the API's 401 body); too low a role raises `Forbidden` (a readable 403 page, or the
API's 403 body).
"""

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from vividshift.auth.deps import Principal, require_permission
from vividshift.db import Db
from vividshift.web.csrf import checked_form
from vividshift.web.session import current_principal


async def optional_user(request: Request, db: Db) -> Principal | None:
    """The signed-in user, if any (for public pages)."""
    return await current_principal(request, db)


web_authenticated = require_permission("authenticated", resolve=optional_user)
web_reader = require_permission("reader", resolve=optional_user)
web_writer = require_permission("writer", resolve=optional_user)
web_admin = require_permission("admin", resolve=optional_user)

SignedIn = Annotated[Principal, Depends(web_authenticated)]
PageReader = Annotated[Principal, Depends(web_reader)]
PageWriter = Annotated[Principal, Depends(web_writer)]
PageAdmin = Annotated[Principal, Depends(web_admin)]
Form = Annotated[FormData, Depends(checked_form)]
