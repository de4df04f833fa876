from django.urls import path

from kyodo.programmes import views

app_name = "programmes"
urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("themes/<int:pk>/", views.theme_detail, name="theme"),
    path("department-issues/", views.issue_list, name="issues"),
    path("staff/programmes/", views.staff_overview, name="staff_overview"),
    path("staff/programmes/courses/<int:pk>/", views.course_edit, name="course_edit"),
    path(
        "staff/programmes/<int:pk>/budget-categories/",
        views.budget_categories,
        name="budget_categories",
    ),
    path("staff/programmes/calls/new/", views.call_edit, name="call_new"),
    path("staff/programmes/calls/<int:pk>/", views.call_edit, name="call_edit"),
    path("staff/programmes/issues/new/", views.issue_new, name="issue_new"),
    path("staff/themes/", views.theme_list, name="theme_list"),
    path("staff/themes/new/", views.theme_edit, name="theme_new"),
    path("staff/themes/<int:pk>/edit/", views.theme_edit, name="theme_edit"),
    path("staff/themes/<int:pk>/publish/", views.theme_publish, name="theme_publish"),
]
