from django.urls import path

from profiles import views

urlpatterns = [
    path("", views.people, name="people"),
    path("me/edit/", views.edit_my_profile, name="edit_my_profile"),
    path("me/availability/", views.set_my_availability, name="set_my_availability"),
    path("me/appearance/", views.set_my_appearance, name="set_my_appearance"),
    path("suggest/", views.suggest_people, name="suggest_people"),
    path("away-notice/", views.away_notice_view, name="away_notice"),
    path("<str:username>/", views.person, name="person"),
    path("<str:username>/follow/", views.follow_person, name="follow_person"),
]
