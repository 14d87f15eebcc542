"""Webhook pages: staff's, each community's (for its owners), and each hook's own."""

from django.urls import path

from webhooks import views

urlpatterns = [
    path("staff/webhooks/", views.staff_webhooks, name="staff_webhooks"),
    path("c/<slug:slug>/webhooks/", views.community_webhooks, name="community_webhooks"),
    path("webhooks/<int:pk>/", views.webhook, name="webhook"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/send-again/",
        views.delivery_send_again,
        name="webhook_send_again",
    ),
]
