"""The web page: server-rendered HTML on the same services as the API.

Its routers are mounted by `vividshift.api` (pages under `/`; the API keeps /api, /auth,
/health …), its HTML error pages installed by `vividshift.app`.

pages/    one module per page: auth (sign in/out), dashboard, rotation, history,
          people, targets (the `/tasks` page), admin, static; each calls services only
session   the session cookie (a `user_sessions` row of the auth service)
csrf      tokens on every form that changes something
idempotency  a fresh key on every form that creates: sent twice, it creates once
runs      the dashboard's current and upcoming runs (today in the house's zone)
deps      page permissions, registered with the API's deny-by-default table
render    templates, post/redirect/get, readable error pages
"""
