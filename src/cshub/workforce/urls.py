from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("", views.home, name="home"),
    path("training/", views.training_list, name="training"),
    path("training/new/", views.training_new, name="training_new"),
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/new/", views.consultation_new, name="consultation_new"),
]
