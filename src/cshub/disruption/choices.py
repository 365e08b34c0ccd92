"""Disruption's vocabularies: what was done to an adult of concern, a place or a group, under
which of the 4 Ps, and how it ended."""

from django.db import models

from cshub.core.vocab import FourP  # noqa: F401 - the 4 Ps are shared with panels


class ActivityKind(models.TextChoices):
    CAWN = "cawn", "Child abduction warning notice"
    STRO = "stro", "Slavery and trafficking risk order"
    STPO = "stpo", "Slavery and trafficking prevention order"
    SRO = "sro", "Sexual risk order"
    SHPO = "shpo", "Sexual harm prevention order"
    CBO = "cbo", "Criminal behaviour order"
    CLOSURE = "closure", "Closure order"
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    CONVICTION = "conviction", "Conviction"
    LICENSING = "licensing", "Licensing action"
    WARRANT = "warrant", "Warrant"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    PENDING = "pending", "Pending"
    ISSUED = "issued", "Issued or granted"
    REFUSED = "refused", "Refused by the court"
    CHARGED = "charged", "Charged"
    PROSECUTED = "prosecuted", "Prosecuted"
    CONVICTED = "convicted", "Convicted"
    NFA = "nfa", "No further action"
    OTHER = "other", "Other"


CHARGED_OR_PROSECUTED = (Outcome.CHARGED, Outcome.PROSECUTED, Outcome.CONVICTED)
