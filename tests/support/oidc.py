"""A stub OpenID Connect provider on 127.0.0.1 for the single sign-on tests: discovery,
JWKS, token and userinfo endpoints over real HTTP, with an RS256-signed id_token.

The authorisation step (the person typing their password at the provider) is skipped: the
test takes the `state` from the redirect and calls the callback with a code, as the
provider's redirect would."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "outloud-tests"
KEY_ID = "stub-key"


class StubProvider:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # What the provider says about the person signing in (change it per test).
        self.claims: dict[str, Any] = {
            "sub": "id-maria",
            "email": "maria@northwind.example",
            "email_verified": True,
            "name": "Maria Lopez",
        }
        self.requests: list[str] = []
        self.failing_with = 0  # an HTTP status to answer everything with (502: down)

    @property
    def server_url(self) -> str:
        return self.base_url + "/.well-known/openid-configuration"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.base_url,
            "authorization_endpoint": self.base_url + "/authorize",
            "token_endpoint": self.base_url + "/token",
            "userinfo_endpoint": self.base_url + "/userinfo",
            "jwks_uri": self.base_url + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}

    def token(self) -> dict[str, Any]:
        now = int(time.time())
        id_token = jwt.encode(
            {**self.claims, "iss": self.base_url, "aud": CLIENT_ID, "iat": now, "exp": now + 300},
            self.key,
            algorithm="RS256",
            headers={"kid": KEY_ID},
        )
        return {
            "access_token": "stub-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }


def _handler(provider: StubProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            path = self.path.split("?", 1)[0]
            provider.requests.append(f"{self.command} {path}")
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            bodies = {
                "/.well-known/openid-configuration": provider.discovery,
                "/jwks": provider.jwks,
                "/token": provider.token,
                "/userinfo": lambda: provider.claims,
            }
            if provider.failing_with:
                self.send_error(provider.failing_with)
                return
            if path not in bodies:
                self.send_error(404)
                return
            body = json.dumps(bodies[path]()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _answer  # noqa: N815
        do_POST = _answer  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


@contextmanager
def stub_provider() -> Iterator[StubProvider]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    provider = StubProvider(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


def oidc_providers(server_url: str) -> dict[str, Any]:
    """SOCIALACCOUNT_PROVIDERS for one provider "sso" at `server_url`, as settings.py builds."""
    return {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Company sign-in",
                    "client_id": CLIENT_ID,
                    "secret": "stub-secret",
                    "settings": {"server_url": server_url},
                }
            ]
        }
    }
