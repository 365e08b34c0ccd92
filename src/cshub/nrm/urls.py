from django.urls import path

from . import views

app_name = "nrm"

urlpatterns = [
    path("people/<uuid:person_id>/new/", views.referral_new, name="referral_new"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:referral_id>/decisions/", views.referral_decide, name="decide"),
    path("referrals/<uuid:referral_id>/summary/", views.referral_summary, name="summary"),
]
