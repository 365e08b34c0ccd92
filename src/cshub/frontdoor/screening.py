"""The screening rule: how the CE screening tool suggests a level of concern.

Transparent on purpose, so a worker can see why and disagree (docs/screening.md):

- every indicator answered "yes" adds its weight (1 a concern, 2 a strong concern, 3 a red flag);
- HIGH if any red flag is answered "yes" on intelligence or a disclosure, or the total is 8 or
  more, or the referrer said the child is in immediate danger;
- MEDIUM if the total is 4 or more, or any red flag is answered "yes" on information alone;
- LOW if anything at all is answered "yes", or 3 or more indicators are "not known";
- NO CONCERN otherwise.

The worker's professional judgement sets the final level; a different level needs a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .choices import Answer, Basis, ConcernLevel

RED_FLAG = 3
HIGH_TOTAL = 8
MEDIUM_TOTAL = 4
NOT_KNOWN_FOR_LOW = 3


@dataclass(frozen=True)
class Scored:
    weight: int
    answer: str
    basis: str = ""


@dataclass(frozen=True)
class Suggestion:
    level: str
    total: int
    reasons: list[str]


def suggest_level(answers: Iterable[Scored], *, immediate_danger: bool = False) -> Suggestion:
    answers = list(answers)
    yes = [a for a in answers if a.answer == Answer.YES]
    total = sum(a.weight for a in yes)
    not_known = sum(1 for a in answers if a.answer == Answer.NOT_KNOWN)
    red_flags = [a for a in yes if a.weight >= RED_FLAG]
    corroborated = [a for a in red_flags if a.basis in (Basis.INTELLIGENCE, Basis.DISCLOSURE)]
    reasons = [f"score {total} from {len(yes)} indicator(s) answered yes"]
    if immediate_danger:
        return Suggestion(
            ConcernLevel.HIGH, total, [*reasons, "the referrer reports immediate danger"]
        )
    if corroborated:
        reasons.append(f"{len(corroborated)} red flag(s) on intelligence or disclosure")
        return Suggestion(ConcernLevel.HIGH, total, reasons)
    if total >= HIGH_TOTAL:
        return Suggestion(ConcernLevel.HIGH, total, [*reasons, f"score of {HIGH_TOTAL} or more"])
    if total >= MEDIUM_TOTAL or red_flags:
        if red_flags:
            reasons.append(f"{len(red_flags)} red flag(s) on information alone")
        return Suggestion(ConcernLevel.MEDIUM, total, reasons)
    if yes or not_known >= NOT_KNOWN_FOR_LOW:
        if not_known >= NOT_KNOWN_FOR_LOW:
            reasons.append(f"{not_known} indicators not known")
        return Suggestion(ConcernLevel.LOW, total, reasons)
    return Suggestion(ConcernLevel.NONE, total, reasons)
