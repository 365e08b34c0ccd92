"""Sections that other apps add to a person's profile page.

An app registers a `ProfileSection` in its `AppConfig.ready`: a title, an anchor, a template and
a function returning that template's context for (user, person). The profile view calls them
after `access_person` has granted access, so a section never re-checks the relationship, but it
must read only what the page's user may see (e.g. police-only intelligence stays police-only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileSection:
    key: str  # the anchor, e.g. "assessments"
    title: str
    template: str
    context: Callable[[object, object], dict]  # (user, person) -> template context
    order: int = 100


_sections: dict[str, ProfileSection] = {}


def register(section: ProfileSection) -> None:
    _sections[section.key] = section


def sections_for(user, person) -> list[dict]:
    out = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        out.append({"section": section, **section.context(user, person)})
    return out
