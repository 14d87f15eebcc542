from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from intranet import views
from profiles import views as profiles_views

handler500 = "intranet.views.server_error"

# Sign-up wrapped in a transaction (no account is left when its mail cannot be sent); none
# at all when single sign-on is the only way in.
signup = (
    []
    if settings.SSO_ONLY
    else [path("accounts/signup/", profiles_views.signup, name="account_signup")]
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    *signup,
    path("accounts/", include("allauth.urls")),
    path("people/", include("profiles.urls")),
    # After profiles.urls: a person's board (people/<username>/) would answer for its pages.
    path("people/", include("questions.people_urls")),
    path("", include("notifications.urls")),
    path("search/", include("search.urls")),
    path("staff/reports/", include("reports.urls")),
    path("staff/people/", include("profiles.staff_urls")),
    path("admin/", admin.site.urls),
    path("", include("webhooks.urls")),
    path("", include("api.urls")),
    path("", include("questions.urls")),
]
