"""The linkage app's vocabularies: kinds of source system, import outcomes, how a source record
came to be joined to a person."""

from django.db import models


class SourceKind(models.TextChoices):
    SOCIAL_CARE = "social_care", "Social care"
    EDUCATION = "education", "Education"
    POLICE = "police", "Police"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"  # an unexpected error while writing; nothing was kept


class MatchMethod(models.TextChoices):
    SYSTEM_ID = "system_id", "Same id in the source system"
    DETERMINISTIC_NHS = "deterministic_nhs", "Same NHS number"
    DETERMINISTIC_UPN = "deterministic_upn", "Same Unique Pupil Number"
    PROBABILISTIC = "probabilistic", "Probabilistic match"
    MANUAL = "manual", "Matched by a person"
    NEW_PERSON = "new_person", "New person created"
    UNMATCHED = "unmatched", "Not yet matched"


class CandidateKind(models.TextChoices):
    RECORD = "record", "Does this record belong to this person?"
    PEOPLE = "people", "Are these two people one person?"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    DEFERRED = "deferred", "Deferred"
    LINKED = "linked", "Linked: the same person"
    KEPT_APART = "kept_apart", "Kept apart: different people"
    SUPERSEDED = "superseded", "No longer needed"  # the record was matched another way


OPEN_STATUSES = (CandidateStatus.PENDING, CandidateStatus.DEFERRED)


class Decision(models.TextChoices):
    LINK = "link", "Link: the same person"
    KEEP_APART = "keep_apart", "Keep apart: different people"
    DEFER = "defer", "Defer: decide later"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
