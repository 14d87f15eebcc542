"""/staff/people/: leaving and departed people (staff only; see profiles.staff_views)."""

from django.urls import path

from profiles import staff_views

urlpatterns = [
    path("", staff_views.staff_people, name="staff_people"),
    path("<str:username>/", staff_views.staff_person, name="staff_person"),
    path("<str:username>/leaving/", staff_views.staff_set_leaving, name="staff_set_leaving"),
    path("<str:username>/depart/", staff_views.staff_mark_departed, name="staff_mark_departed"),
    path("<str:username>/return/", staff_views.staff_mark_returned, name="staff_mark_returned"),
    path("<str:username>/anonymise/", staff_views.staff_anonymise, name="staff_anonymise"),
]
