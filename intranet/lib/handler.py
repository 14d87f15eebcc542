"""Django's ASGI handler, running the middleware and the view in one trip to a thread.

Django's own handler builds an async middleware chain: from the view up, each middleware
that can run async does, and the first one that cannot (ours: the time zone and mail
failure middlewares) is called through async_to_sync. Every view here is sync, and so are
half the middlewares, so a request went event loop -> thread (the outer middlewares) ->
event loop (allauth, htmx, axes, and Django's mixin middlewares, which in turn run their
process_request/process_response in a thread) -> thread (the view) and back each time.
Each crossing costs CPU time in asgiref (futures, context copies, loop wake-ups) that the
request does not need. This handler builds the sync chain, as under WSGI, and calls it once
through sync_to_async, on the same thread-sensitive thread the views ran on before: the
same middlewares in the same order, with the same view, database connection and
per-request state; reading the body, streaming the response and noticing a disconnected
client stay Django's ASGI code.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # BaseHandler.get_response: the URL configuration, the chain, closing the request
        # with the response and logging 4xx/5xx answers, all on the request's thread.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
