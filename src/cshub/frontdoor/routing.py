"""Where each Front Door outcome sends a child: the receiving team's function and, when a case
is opened for them, its level. Advice and universal services open no case."""

from cshub.core.vocab import CaseLevel, HarmType, TeamFunction

from .choices import Outcome

ROUTES: dict[str, tuple[str, str] | None] = {
    Outcome.ADVICE_NFA: None,
    Outcome.UNIVERSAL: None,
    Outcome.EARLY_HELP: (TeamFunction.EARLY_HELP, CaseLevel.EARLY_HELP),
    Outcome.ASSESSMENT: (TeamFunction.ASSESSMENT, CaseLevel.CHILD_IN_NEED),
    Outcome.STRATEGY_DISCUSSION: (TeamFunction.ASSESSMENT, CaseLevel.CHILD_PROTECTION),
    Outcome.SPECIALIST: (TeamFunction.SPECIALIST, CaseLevel.EXPLOITATION),
    Outcome.HSB_PATHWAY: (TeamFunction.HSB_SERVICE, CaseLevel.CHILD_IN_NEED),
    Outcome.MACE: (TeamFunction.SPECIALIST, CaseLevel.EXPLOITATION),
}

# Suspected harms that prompt the worker to consider a National Referral Mechanism referral.
NRM_HARMS = {HarmType.CCE, HarmType.CSE, HarmType.MODERN_SLAVERY}
