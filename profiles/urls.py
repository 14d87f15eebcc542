from django.urls import path

from profiles import views

urlpatterns = [
    path("me/edit/", views.edit_my_profile, name="edit_my_profile"),
    path("suggest/", views.suggest_people, name="suggest_people"),
    path("<str:username>/", views.person, name="person"),
    path("<str:username>/follow/", views.follow_person, name="follow_person"),
]
