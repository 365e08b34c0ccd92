"""The National Referral Mechanism's vocabularies (Home Office statutory guidance, Modern Slavery
Act 2015)."""

from django.db import models


class ExploitationType(models.TextChoices):
    CRIMINAL = "criminal", "Criminal exploitation (including county lines)"
    SEXUAL = "sexual", "Sexual exploitation"
    LABOUR = "labour", "Labour exploitation"
    DOMESTIC_SERVITUDE = "domestic_servitude", "Domestic servitude"
    OTHER = "other", "Other"


class Location(models.TextChoices):
    UK = "uk", "In the UK"
    OVERSEAS = "overseas", "Overseas"
    BOTH = "both", "Both in the UK and overseas"


class ReasonableGrounds(models.TextChoices):
    PENDING = "pending", "Pending"
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConclusiveGrounds(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DecisionMaker(models.TextChoices):
    COMPETENT_AUTHORITY = "sca", "Single Competent Authority (Home Office)"
    DEVOLVED_PANEL = "devolved", "Devolved local decision-making panel"
