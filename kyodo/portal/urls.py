from django.urls import path

from kyodo.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
