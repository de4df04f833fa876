from django.urls import path

from kyodo.payments import views

app_name = "payments"
urlpatterns = [
    path("staff/payments/", views.due_list, name="due_list"),
    # Before money/<pk>/<step>/, which would take "settlement" and "receipts" for a step.
    path("money/<int:pk>/settlement/", views.settlement, name="settlement"),
    path("money/<int:pk>/settlement/notes/", views.settlement_notes, name="settlement_notes"),
    path("money/<int:pk>/settlement/edit/", views.settlement_edit, name="settlement_edit"),
    path("money/<int:pk>/settlement/submit/", views.settlement_submit, name="settlement_submit"),
    path("money/<int:pk>/receipts/", views.receipt_add, name="receipt_add"),
    path("receipt-files/<int:pk>/", views.receipt_file, name="receipt_file"),
    path("money/<int:pk>/<str:step>/", views.funding_step, name="funding_step"),
    path("money/<int:pk>/do/<str:action>/", views.funding_action, name="funding_action"),
    path("payments/<int:pk>/do/<str:action>/", views.payment_action, name="payment_action"),
]
