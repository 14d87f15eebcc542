"""The OpenAPI document is valid OpenAPI 3, and the docs page loads only our own files."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_openapi_schema_validates_and_lists_the_resources(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    validate(schema)  # raises on any violation of the OpenAPI 3.x specification
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for expected in (
        "/api/v1/posts",
        "/api/v1/questions",
        "/api/v1/posts/{post_id}/answers",
        "/api/v1/posts/{post_id}/accept",
        "/api/v1/search",
        "/api/v1/similar",
        "/api/v1/tags",
        "/api/v1/people/{username}/expertise",
        "/api/v1/notifications",
        "/api/v1/drafts/{post_id}",
        "/api/v1/versions/{version_id}/download",
    ):
        assert expected in paths
    assert {"TokenAuth", "ColleagueSessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_docs_page_uses_only_this_sites_static_files(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/static/") for s in sources), sources
    assert "cdn" not in html.lower()
    # The site's policy applies and admits nothing from elsewhere.
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_docs_scripts_are_served(client: Client) -> None:
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        response = client.get(f"/static/ninja/{name}")
        assert response.status_code == 200, name
