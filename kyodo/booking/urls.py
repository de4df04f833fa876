from django.urls import path

from kyodo.booking import views

app_name = "booking"
urlpatterns = [
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/freed/", views.freed, name="freed"),
    path("rooms/freed/feed.atom", views.freed_feed, name="freed_feed"),
    path("rooms/feeds/<str:token>.ics", views.group_ical, name="group_ical"),
    path("rooms/<int:pk>/", views.room, name="room"),
    path("rooms/<int:pk>/calendar.ics", views.room_ical, name="room_ical"),
    path("rooms/<int:pk>/book/", views.book, name="book"),
    path("rooms/<int:pk>/watch/", views.watch, name="watch"),
    path("bookings/", views.mine, name="mine"),
    path("bookings/<int:pk>/", views.detail, name="detail"),
    path("bookings/<int:pk>/change/", views.change, name="change"),
    path("bookings/<int:pk>/approval/", views.approval, name="approval"),
    path("bookings/<int:pk>/<str:action>/", views.act, name="act"),
    path("bookings/group/<int:group_pk>/", views.group_calendar, name="group_calendar"),
    path("bookings/group/<int:group_pk>/feed/", views.feed_renew, name="feed_renew"),
    path("lotteries/", views.lotteries, name="lotteries"),
    path("lotteries/<int:pk>/", views.lottery, name="lottery"),
    path("lotteries/<int:pk>/rooms/<int:room_pk>/", views.lottery_enter, name="lottery_enter"),
    path("lotteries/<int:pk>/draw/", views.lottery_draw, name="lottery_draw"),
    path("lotteries/entries/<int:pk>/confirm/", views.lottery_confirm, name="lottery_confirm"),
    path("staff/booking/", views.staff, name="staff"),
    path("staff/booking/lotteries/new/", views.lottery_new, name="lottery_new"),
    path("staff/booking/facilities/new/", views.facility_new, name="facility_new"),
    path("staff/booking/facilities/<int:pk>/", views.facility_edit, name="facility_edit"),
    path("staff/booking/facilities/<int:pk>/rooms/new/", views.room_new, name="room_new"),
    path("staff/booking/facilities/<int:pk>/closures/new/", views.closure_new, name="closure_new"),
    path(
        "staff/booking/facilities/<int:pk>/equipment/new/",
        views.equipment_new,
        name="equipment_new",
    ),
    path("staff/booking/rooms/<int:pk>/", views.room_edit, name="room_edit"),
    path("staff/booking/stats/", views.stats, name="stats"),
]
