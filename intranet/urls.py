from django.contrib import admin
from django.urls import include, path

from intranet import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("profiles.urls")),
    path("admin/", admin.site.urls),
    path("", include("questions.urls")),
]
