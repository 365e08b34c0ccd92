from django.urls import path

from . import views

app_name = "panels"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<uuid:meeting_id>/items/", views.item_add, name="item_add"),
    path("meetings/<uuid:meeting_id>/invitees/", views.invitee_add, name="invitee_add"),
    path("meetings/<uuid:meeting_id>/publish/", views.meeting_publish, name="publish"),
    path("meetings/<uuid:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<uuid:meeting_id>/approve/", views.minutes_approve, name="approve"),
    path("meetings/<uuid:meeting_id>/pack/", views.pack, name="pack"),
    path("meetings/<uuid:meeting_id>/pack.docx", views.pack_docx, name="pack_docx"),
    path("items/<uuid:item_id>/minutes/", views.item_minutes, name="minutes"),
    path("items/<uuid:item_id>/remove/", views.item_remove, name="item_remove"),
    path("items/<uuid:item_id>/actions/new/", views.action_new, name="action_new"),
    path("actions/<uuid:action_id>/", views.action_detail, name="action"),
    path("people/<uuid:person_id>/refer/", views.referral_new, name="referral_new"),
    path("referrals/<uuid:referral_id>/decline/", views.referral_decline, name="decline"),
    path("people/<uuid:person_id>/hsb/new/", views.hsb_incident_new, name="hsb_incident_new"),
    path("hsb/incidents/<uuid:incident_id>/", views.hsb_incident_detail, name="hsb_incident"),
    path(
        "hsb/involvements/<uuid:involvement_id>/interventions/new/",
        views.hsb_intervention_new,
        name="hsb_intervention_new",
    ),
]
