from django.urls import path

from . import views

assistant_urls = [
    path("", views.assistant_page, name="index"),
    path("new/", views.start_over, name="start_over"),
    path("ask.json", views.ask_json, name="ask_json"),
    path("history.json", views.history_json, name="history_json"),
]
