from django.urls import path

from . import views

app_name = "frontdoor"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("contacts/", views.my_contacts, name="my_contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<uuid:contact_id>/", views.contact_detail, name="contact_detail"),
    path("contacts/<uuid:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<uuid:contact_id>/people/", views.contact_people, name="contact_people"),
    path("contacts/<uuid:contact_id>/submit/", views.contact_submit, name="contact_submit"),
    path(
        "contacts/<uuid:contact_id>/screening/<uuid:person_id>/",
        views.screening,
        name="screening",
    ),
    path("contacts/<uuid:contact_id>/decision/", views.decision, name="decision"),
]
