from django.urls import path

from kyodo.payments import views

app_name = "payments"
urlpatterns = [
    path("staff/payments/", views.due_list, name="due_list"),
    path("money/<int:pk>/<str:step>/", views.funding_step, name="funding_step"),
    path("money/<int:pk>/do/<str:action>/", views.funding_action, name="funding_action"),
    path("payments/<int:pk>/do/<str:action>/", views.payment_action, name="payment_action"),
]
