"""/api/v1/: the NinjaAPI, its routers and its problem-details error handlers."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from api import problems
from api.auth import AUTH
from api.endpoints import drafts, notifications, people, posts, search

api = NinjaAPI(
    title="Outloud API",
    version="1",
    description=(
        "Questions, answers, search, people, notifications and drafts, with the same rules "
        "as the site. Authenticate with a personal access token (Authorization: Bearer "
        "olt_...) made in your settings, or with the site's session. Errors are RFC 9457 "
        "problem details."
    ),
    urls_namespace="api-1",
    auth=AUTH,
    # Served from the package's static files (swagger-ui), never a CDN.
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("", posts.router)
api.add_router("", search.router)
api.add_router("", people.router)
api.add_router("", notifications.router)
api.add_router("", drafts.router)
