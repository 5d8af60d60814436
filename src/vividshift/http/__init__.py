"""HTTP plumbing shared by every router: nothing here knows a domain.

routing     the route class (strict JSON bodies, error responses documented, docstring
            summaries) and `api_router()`
body_limit  the request-body size limit (413 with the JSON error body)
openapi     the error body as an OpenAPI model and the `responses=` of the routes
paging      `limit`/`offset` paging and allow-listed sorting of list endpoints
lenient     compatible request bodies: unknown fields ignored and reported as warnings
methods     OPTIONS (204 with `Allow`) and HEAD (the GET without its body) on every path
"""
