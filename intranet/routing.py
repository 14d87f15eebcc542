"""Websocket routes of every app, gathered for the ASGI application."""

from notifications.routing import websocket_urlpatterns as notifications_websockets

websocket_urlpatterns = [*notifications_websockets]
