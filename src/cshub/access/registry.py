"""The relationships that give a user sight of a person's record.

Each app that creates a legitimate relationship (case allocation, panel agenda, Front Door
triage...) registers a `RelationshipProvider` in its `AppConfig.ready`. `access` asks them all
and never imports a workflow app. A provider answers one question as a query: which person ids
does this user have this relationship with, now?
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet


@dataclass(frozen=True)
class RelationshipProvider:
    key: str  # stable id, written to the audit trail, e.g. "case_allocation"
    label: str  # what the profile says, e.g. "Your team is allocated to their case"
    person_ids: Callable[[object, datetime], QuerySet]  # (user, now) -> values_list of ids


_providers: dict[str, RelationshipProvider] = {}


def register(provider: RelationshipProvider) -> None:
    _providers[provider.key] = provider


def providers() -> list[RelationshipProvider]:
    return list(_providers.values())
