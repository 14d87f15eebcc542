from django.urls import path

from profiles import views

urlpatterns = [
    path("me/edit/", views.edit_my_profile, name="edit_my_profile"),
    path("<str:username>/", views.person, name="person"),
]
