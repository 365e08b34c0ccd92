"""The workforce app's vocabularies: the courses staff are trained on, and what became of an
HSB consultation offered to a practitioner."""

from django.db import models


class Course(models.TextChoices):
    HSB_DIRECT_INTERVENTION = "hsb_direct_intervention", "HSB direct intervention"
    AIM3 = "aim3", "AIM3"
    CE_AWARENESS = "ce_awareness", "Child exploitation awareness"
    CONTEXTUAL_SAFEGUARDING = "contextual_safeguarding", "Contextual safeguarding"


# Able to deliver direct interventions for harmful sexual behaviour and complete AIM3
# assessments (strategy, section 14): current training in both.
HSB_DELIVERY_COURSES = (Course.HSB_DIRECT_INTERVENTION, Course.AIM3)


class ConsultationStatus(models.TextChoices):
    OFFERED = "offered", "Offered, no answer yet"
    TAKEN_UP = "taken_up", "Taken up"
    DECLINED = "declined", "Declined"
