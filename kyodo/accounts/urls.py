from django.contrib.auth import views as auth_views
from django.urls import path

from kyodo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.sign_up, name="sign_up"),
    path("signup/sent/", views.sign_up_sent, name="sign_up_sent"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("me/", views.my_account, name="me"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("users/", views.user_list, name="user_list"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/totp-reset/", views.totp_reset, name="totp_reset"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/divisions/new/", views.division_edit, name="division_new"),
    path("organisation/divisions/<int:pk>/", views.division_edit, name="division_edit"),
    path("organisation/sections/new/", views.section_edit, name="section_new"),
    path("organisation/sections/<int:pk>/", views.section_edit, name="section_edit"),
]
