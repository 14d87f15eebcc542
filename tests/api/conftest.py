"""Fixtures for the API: tokens and a client that sends one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from api.actions import create_token
from profiles.models import User


class ApiClient:
    """A test client that speaks JSON to /api/v1/ with a bearer token (or none)."""

    def __init__(self, secret: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def call(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return self.client.generic(
            method,
            "/api/v1" + path,
            data=data,
            content_type="application/json",
            headers=self.headers,
        )

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get("/api/v1" + path, query, headers=self.headers)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, body, **kw)


@pytest.fixture
def make_token(db: None) -> Callable[..., str]:
    def make(user: User, *, scope: str = "write", name: str = "script", **kw: Any) -> str:
        return create_token(user=user, name=name, scope=scope, **kw)[1]

    return make


@pytest.fixture
def api_for(make_token: Callable[..., str]) -> Callable[..., ApiClient]:
    def make(user: User | None, *, scope: str = "write") -> ApiClient:
        return ApiClient(make_token(user, scope=scope) if user is not None else None)

    return make
