"""Helpers shared by the assessment tests."""

from __future__ import annotations

from cshub.assessments import services
from cshub.audit.models import AuditEvent
from cshub.core.vocab import HarmType, RiskLevel

BACE_TEXT = {
    "child_voice": "Says the older boys look after them.",
    "child_voice_not_obtained": "",
    "parent_view": "Mum is worried about new trainers and late nights.",
    "parent_view_not_obtained": "",
    "vulnerabilities": "Excluded from school in Year 9.",
    "strengths": "Close to grandmother; goes to boxing.",
    "context_peers": "Older peer group in the town centre.",
    "context_places": "The bus station after dark.",
    "context_online": "Snapchat contact with unknown adults.",
    "context_school": "Attendance 60%.",
    "analysis": "Indicators of criminal exploitation; protective adults present.",
    "recommended_actions": "Refer to MACE; youth worker twice a week.",
}


def complete(assessment, actor, *, risks=None):
    """Fill every BACE section and a risk, as the author would; returns the saved assessment."""
    assessment = services.assessment_update(
        actor=actor, assessment=assessment, version=assessment.version, sections=BACE_TEXT
    )
    return services.assessment_risks_set(
        actor=actor,
        assessment=assessment,
        version=assessment.version,
        risks=risks or {HarmType.CCE: (RiskLevel.HIGH, "Found out of area with cash.")},
    )


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def events_since(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))
