"""The panels' vocabularies: kinds of panel, where a referral came from, attendance, the stage
of a risk judgement, action status, and the HSB ones (roles in an incident, the Hackett
continuum, direct interventions). The 4 Ps live in `cshub.core.vocab.FourP`."""

from django.db import models


class PanelKind(models.TextChoices):
    MACE = "mace", "MACE (multi-agency child exploitation) panel"
    CETG = "cetg", "Child exploitation tactical group (CETG)"
    HSB = "hsb", "Harmful sexual behaviour (HSB) panel"
    STRATEGY = "strategy", "Strategy meeting"


class ReferralSource(models.TextChoices):
    FRONT_DOOR = "front_door", "Front Door decision"
    ASSESSMENT = "assessment", "Assessment"
    MANAGER = "manager", "Manager"
    PARTNER = "partner", "Partner agency"


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a meeting"
    LISTED = "listed", "On an agenda"
    DECLINED = "declined", "Not taken to panel"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


class JudgementStage(models.TextChoices):
    INITIAL = "initial", "Initial"
    REVIEW = "review", "Review"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class HsbRole(models.TextChoices):
    """Each child in an incident has their own role; never one label for all."""

    HARMED = "harmed", "Harmed"
    HARMER = "harmer", "Harmer"
    BOTH = "both", "Both harmed and harmer"
    WITNESS = "witness", "Witness"


class HackettLevel(models.TextChoices):
    """Hackett's continuum of children's sexual behaviours (2010), least concerning first."""

    NORMAL = "normal", "Normal"
    INAPPROPRIATE = "inappropriate", "Inappropriate"
    PROBLEMATIC = "problematic", "Problematic"
    ABUSIVE = "abusive", "Abusive"
    VIOLENT = "violent", "Violent"


# Serious HSB: the two ends of the continuum that call for direct intervention.
SERIOUS_HACKETT = (HackettLevel.ABUSIVE, HackettLevel.VIOLENT)
HARMING_ROLES = (HsbRole.HARMER, HsbRole.BOTH)


class InterventionKind(models.TextChoices):
    DIRECT_WORK = "direct_work", "Direct work with the child"
    AIM3 = "aim3", "AIM3 assessment"
    THERAPEUTIC = "therapeutic", "Therapeutic intervention"
    SAFETY_PLAN = "safety_plan", "Safety planning with the family"
    OTHER = "other", "Other"


DIRECT_INTERVENTIONS = (InterventionKind.DIRECT_WORK, InterventionKind.THERAPEUTIC)
