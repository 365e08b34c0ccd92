"""Write paths of the insights app: the managers' commentary on a KPI for the quarterly report.
Validated first, one transaction, audited; a refused call changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.audit.services import record

from . import periods, policy
from .kpis import KPIS
from .models import COMMENTARY_MAX, KpiCommentary


@dataclass(frozen=True)
class Saved:
    commentary: KpiCommentary | None  # None: there is none now
    change: str  # "created", "updated", "deleted" or "unchanged"


def commentary_save(*, actor, kpi_key: str, period: periods.Period | str, text: str) -> Saved:
    """Save `actor`'s commentary on a KPI for a period (replacing any there was). Empty text
    removes it. Refused: someone who may not see the dashboard (PermissionDenied), an unknown
    KPI, a period that cannot be read, text over COMMENTARY_MAX characters. Saving the same
    text again changes nothing and writes no audit row (the caller records the request)."""
    if not policy.can_view_dashboard(actor):
        raise PermissionDenied("Only those who may see the KPI dashboard write its commentary.")
    errors: dict[str, list[str]] = {}
    if kpi_key not in KPIS:
        errors["kpi"] = ["There is no such KPI: choose one from the report."]
    if isinstance(period, str):
        try:
            period = periods.parse(period)
        except periods.BadPeriod as exc:
            errors["period"] = [str(exc)]
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > COMMENTARY_MAX:
        errors["text"] = [
            f"Keep the commentary to {COMMENTARY_MAX:,} characters or fewer (it has {len(text):,})."
        ]
    if errors:
        raise ValidationError(errors)
    assert isinstance(period, periods.Period)  # parsed above
    details = {"kpi": kpi_key, "period": period.slug}
    with transaction.atomic():
        existing = (
            KpiCommentary.objects.select_for_update()
            .filter(kpi_key=kpi_key, period_label=period.slug)
            .first()
        )
        if not text:
            if existing is None:
                return Saved(None, "unchanged")
            existing.delete()
            record(action="insights.commentary.deleted", actor=actor, details=details)
            return Saved(None, "deleted")
        if existing is not None and existing.text == text:
            return Saved(existing, "unchanged")
        change = "created" if existing is None else "updated"
        commentary = existing or KpiCommentary(kpi_key=kpi_key, period_label=period.slug)
        commentary.text = text
        commentary.written_by = actor
        commentary.written_at = timezone.now()
        commentary.full_clean(validate_constraints=False)
        commentary.save()
        record(
            action=f"insights.commentary.{change}",
            actor=actor,
            obj=commentary,
            details=details | {"characters": len(text)},
        )
    return Saved(commentary, change)
