from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.my_assessments, name="mine"),
    path("awaiting-approval/", views.approval_queue, name="queue"),
    path("person/<uuid:person_id>/new/", views.assessment_create, name="create"),
    path("<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("<uuid:assessment_id>/edit/", views.assessment_edit, name="edit"),
    path("<uuid:assessment_id>/risks/", views.assessment_risks, name="risks"),
    path("<uuid:assessment_id>/submit/", views.assessment_submit, name="submit"),
    path("<uuid:assessment_id>/return/", views.assessment_return, name="return"),
    path("<uuid:assessment_id>/approve/", views.assessment_approve, name="approve"),
]
