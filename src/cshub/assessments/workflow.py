"""Guards for the assessment workflow (uktrade/icms style): each raises a clear error when an
assessment is not in a state that allows the step, so a service never acts on the wrong state.

    draft --submit--> submitted --approve--> approved
                        |   ^
                 return |   | submit
                        v   |
                      returned

The errors are `ValidationError`s, so a form shows them in its error summary; views answer
409 Conflict for them (the request was fine, the record had moved on).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from .models import EDITABLE_STATES, Assessment, AssessmentState


class WorkflowError(ValidationError):
    """The assessment is not in a state that allows this step: nothing was changed."""


class VersionConflict(ValidationError):
    """Someone saved the assessment after this page was opened: nothing was changed."""


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y \\a\\t H:i")


def _who(user) -> str:
    return str(user) if user is not None else "someone"


def _already(assessment: Assessment) -> str:
    if assessment.state == AssessmentState.SUBMITTED:
        return (
            f"This assessment was already submitted for approval on "
            f"{_when(assessment.submitted_at)} by {_who(assessment.submitted_by)}"
        )
    if assessment.state == AssessmentState.APPROVED:
        return (
            f"This assessment was already approved on {_when(assessment.approved_at)} "
            f"by {_who(assessment.approved_by)}"
        )
    if assessment.state == AssessmentState.RETURNED:
        return (
            f"This assessment was returned for changes on {_when(assessment.returned_at)} "
            f"by {_who(assessment.returned_by)}"
        )
    return "This assessment is still a draft: it has not been submitted for approval"


def assessment_editable(assessment: Assessment) -> None:
    """Sections and risks change only in a draft or after a manager has returned it."""
    if assessment.state not in EDITABLE_STATES:
        raise WorkflowError(
            f"{_already(assessment)}. It cannot be changed now: nothing was saved."
            + (
                " A manager can return it to you for changes."
                if assessment.state == AssessmentState.SUBMITTED
                else ""
            ),
            code="not_editable",
        )


def assessment_submittable(assessment: Assessment) -> None:
    if assessment.state not in EDITABLE_STATES:
        raise WorkflowError(f"{_already(assessment)}: nothing was changed.", code="not_submittable")


def assessment_awaiting_decision(assessment: Assessment) -> None:
    """Only a submitted assessment is approved or returned."""
    if assessment.state != AssessmentState.SUBMITTED:
        raise WorkflowError(f"{_already(assessment)}: nothing was changed.", code="not_submitted")


def assessment_version_current(assessment: Assessment, version: int | None) -> None:
    if version != assessment.version:
        raise VersionConflict(
            "This assessment was changed after you opened this page (saved by "
            f"{_who(assessment.updated_by)} on {_when(assessment.updated_at)}). Nothing of yours "
            "was saved and "
            "nothing of theirs was overwritten: your changes are still in the form below. "
            "Compare them with what is saved now, then save again.",
            code="stale_version",
        )
