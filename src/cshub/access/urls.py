from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("break-glass/<uuid:person_id>/", views.break_glass, name="break_glass"),
    path("reviews/", views.break_glass_reviews, name="break_glass_reviews"),
    path("sealed/<uuid:person_id>/", views.seal, name="seal"),
    path("reviews/<uuid:grant_id>/", views.break_glass_review, name="break_glass_review"),
]
