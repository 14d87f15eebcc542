from django.urls import path

from search import views

urlpatterns = [
    path("", views.search_page, name="search"),
    path("suggest/", views.suggest, name="search_suggest"),
    path("similar/", views.similar, name="search_similar"),
    path("open/<int:pk>/", views.open_result, name="search_open"),
]
