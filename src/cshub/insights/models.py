"""What the insights app stores itself: the managers' commentary on each KPI in the quarterly
report. Every figure is computed from the records (`kpis.py`); nothing else is kept here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cshub.core.models import BaseModel

COMMENTARY_MAX = 2000  # characters: a paragraph or two under each KPI in the printed report


class KpiCommentary(BaseModel):
    """A manager's commentary on one KPI for one reporting period, printed under its figures.
    One per KPI and period: saving again replaces it; saving it empty removes it."""

    kpi_key = models.CharField(max_length=60, help_text="The KPI's id in insights.kpis.KPIS")
    period_label = models.CharField(
        max_length=40, help_text="The period's written form, e.g. 2026-Q2 (periods.Period.slug)"
    )
    text = models.TextField(max_length=COMMENTARY_MAX)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period_label", "kpi_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi_key", "period_label"], name="insights_commentary_one_per_kpi_period"
            )
        ]
        verbose_name_plural = "KPI commentaries"

    def __str__(self) -> str:
        return f"Commentary on {self.kpi_key} for {self.period_label}"
