"""The web page: server-rendered HTML on the same services as the API.

    install_web(app)   pages under `/` (the API keeps /api, /auth, /health …)

routes/   one module per page: auth (sign in/out), dashboard, rotation, history,
          people, tasks, admin, static
session   the session cookie (a `user_sessions` row of the auth service)
csrf      tokens on every form that changes something
idempotency  a fresh key on every form that creates: sent twice, it creates once
runs      the dashboard's current and upcoming runs (today in the house's zone)
deps      page permissions, registered with the API's deny-by-default table
render    templates, post/redirect/get, readable error pages
"""

from fastapi import FastAPI


def install_web(app: FastAPI) -> None:
    """Include the page routers and render errors of pages as HTML for browsers."""
    from vividshift.web.render import install_page_errors
    from vividshift.web.routes import admin, auth, dashboard, history, people, rotation, static
    from vividshift.web.routes import tasks as task_pages

    for module in (auth, static, dashboard, rotation, history, people, task_pages, admin):
        app.include_router(module.router)
    install_page_errors(app)
