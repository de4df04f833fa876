from django.urls import path

from kyodo.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/open/", views.notice_open, name="notice_open"),
    path("staff/mail/", views.mail_list, name="mail_list"),
    path("staff/mail/<int:pk>/resend/", views.mail_resend, name="mail_resend"),
    path("staff/workflows/", views.workflow_list, name="workflow_list"),
    path("staff/workflows/<slug:key>/", views.workflow_detail, name="workflow_detail"),
]
