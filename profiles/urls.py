from django.urls import path

from profiles import views

# A person's board, the mention autocomplete and the away notice read posts: they are
# questions.people_urls, included under /people/ after these.
urlpatterns = [
    path("", views.people, name="people"),
    path("me/edit/", views.edit_my_profile, name="edit_my_profile"),
    path("me/availability/", views.set_my_availability, name="set_my_availability"),
    path("me/appearance/", views.set_my_appearance, name="set_my_appearance"),
    path("<str:username>/follow/", views.follow_person, name="follow_person"),
]
