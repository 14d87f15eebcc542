"""The pages under /people/ that read posts (questions.people_views).

Included after profiles.urls: a person's board (`<username>/`) would otherwise answer for
the single-segment pages above it.
"""

from django.urls import path

from questions import people_views

urlpatterns = [
    path("suggest/", people_views.suggest_people, name="suggest_people"),
    path("away-notice/", people_views.away_notice_view, name="away_notice"),
    path("<str:username>/", people_views.person, name="person"),
]
