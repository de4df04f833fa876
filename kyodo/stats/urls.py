from django.urls import path

from kyodo.stats import views

app_name = "stats"
urlpatterns = [
    path("state/", views.current_state, name="current_state"),
    path("staff/stats/", views.staff_index, name="staff_index"),
    path("staff/stats/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("staff/stats/years/", views.city_years, name="city_years"),
]
