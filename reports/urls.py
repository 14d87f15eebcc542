from django.urls import path

from reports import risk, views
from reports.catalog import CATALOG

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("refresh/", views.refresh, name="refresh"),
    path("risk/", views.risk_page, name="risk"),
    path("risk/csv/", views.risk_page, {"export": True}, name="risk_csv"),
    path("risk/<str:username>/handover/", views.risk_handover, name="risk_handover"),
]
for entry in CATALOG:
    if entry.slug != risk.SLUG:
        name = entry.url_name.removeprefix("reports:")
        urlpatterns += [
            path(f"{entry.slug}/", views.report_page, {"slug": entry.slug}, name=name),
            path(
                f"{entry.slug}/csv/",
                views.report_page,
                {"slug": entry.slug, "export": True},
                name=f"{name}_csv",
            ),
        ]
