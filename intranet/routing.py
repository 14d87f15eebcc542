"""Websocket routes of every app, gathered for the ASGI application."""

from profiles.routing import websocket_urlpatterns as profiles_websockets

websocket_urlpatterns = [*profiles_websockets]
