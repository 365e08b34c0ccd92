"""The interventions app's vocabularies: a young person's education, employment and training
(ETE) status, the kinds of intervention and how one ended, and which harms count as
exploitation for the interventions that address them."""

from django.db import models

from cshub.core.vocab import HarmType


class EteStatusKind(models.TextChoices):
    IN_SCHOOL = "in_school", "In school"
    IN_COLLEGE = "in_college", "In college or sixth form"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    EMPLOYMENT = "employment", "In employment"
    TRAINING = "training", "In training"
    ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"
    NEET = "neet", "Not in education, employment or training (NEET)"
    NOT_KNOWN = "not_known", "Not known"


# In education, employment or training; NEET is the one status that is not; "not known" is neither.
ETE_KINDS = frozenset(
    {
        EteStatusKind.IN_SCHOOL,
        EteStatusKind.IN_COLLEGE,
        EteStatusKind.APPRENTICESHIP,
        EteStatusKind.EMPLOYMENT,
        EteStatusKind.TRAINING,
        EteStatusKind.ALTERNATIVE_PROVISION,
    }
)
NEET = EteStatusKind.NEET


class InterventionKind(models.TextChoices):
    DIRECT_WORK = "direct_work", "Direct work with the young person"
    THERAPY = "therapy", "Therapeutic support"
    CAMHS = "camhs", "CAMHS (child and adolescent mental health)"
    MENTORING = "mentoring", "Mentoring"
    ETE_SUPPORT = "ete_support", "Support into education, employment or training"
    VICTIM_SUPPORT = "victim_support", "Victim support"


class InterventionOutcome(models.TextChoices):
    ONGOING = "ongoing", "Ongoing"
    COMPLETED = "completed", "Completed"
    DISENGAGED = "disengaged", "Young person disengaged"
    DECLINED = "declined", "Declined"
    TRANSFERRED = "transferred", "Transferred to another service"


# How an intervention can end: every outcome but "ongoing".
ENDING_OUTCOMES = tuple(o for o in InterventionOutcome if o != InterventionOutcome.ONGOING)

# Child criminal and sexual exploitation: the harms an "exploitation intervention" addresses.
EXPLOITATION_HARMS = frozenset({HarmType.CCE, HarmType.CSE})
