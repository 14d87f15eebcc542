"""ASGI entry point: Django for HTTP, Channels for websockets, one process or many."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")

from intranet.lib.startup import exit_on_config_error  # noqa: E402

with exit_on_config_error():
    # Initialise Django (apps, models) before importing anything that touches them; then
    # Django's ASGI handler with the middleware and the view in one thread trip
    # (intranet.lib.handler), as django.core.asgi.get_asgi_application would make its own.
    django.setup(set_prefix=False)
    from intranet.lib.handler import SyncChainASGIHandler

    django_asgi_app = SyncChainASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402

from intranet import warmup  # noqa: E402
from intranet.lib.bodylimit import BodySizeLimit  # noqa: E402
from intranet.lib.origin import SameOriginSockets  # noqa: E402
from intranet.routing import websocket_urlpatterns  # noqa: E402
from profiles.auth import SocketAuthMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodySizeLimit(django_asgi_app, settings.REQUEST_BODY_LIMIT),
        # The origin check (scheme, host and port) stops other pages from opening sockets
        # with our cookies; the consumers still decide on authentication themselves.
        # Channels' AuthMiddlewareStack, reading sessions that name an older backend.
        "websocket": SameOriginSockets(
            CookieMiddleware(
                SessionMiddleware(SocketAuthMiddleware(URLRouter(websocket_urlpatterns)))
            )
        ),
    }
)
warmup.start()
