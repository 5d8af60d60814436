"""The page's two static files, served from the package (no build step, no CDN)."""

from importlib.resources import files

from fastapi import APIRouter
from starlette.responses import Response

from vividshift.auth.deps import Public
from vividshift.errors import NotFound

router = APIRouter(tags=["web"], include_in_schema=False)

STATIC = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}


@router.get("/static/{name}", dependencies=[Public])
async def static_file(name: str) -> Response:
    """One of the known static files."""
    media = STATIC.get(name)
    if media is None:
        raise NotFound("No such file")
    body = files("vividshift.web").joinpath("static", name).read_bytes()
    return Response(
        body,
        media_type=media,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
