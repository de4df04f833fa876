from django.urls import path

from kyodo.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.trivial, name="healthz"),
]
