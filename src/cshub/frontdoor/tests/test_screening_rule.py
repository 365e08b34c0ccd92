import pytest
from hypothesis import given
from hypothesis import strategies as st

from cshub.frontdoor.choices import CONCERN_ORDER, Answer, Basis, ConcernLevel
from cshub.frontdoor.screening import Scored, suggest_level

Y, N, NK = Answer.YES, Answer.NO, Answer.NOT_KNOWN


@pytest.mark.parametrize(
    "answers, danger, expected",
    [
        ([], False, ConcernLevel.NONE),
        ([Scored(2, N), Scored(1, N)], False, ConcernLevel.NONE),
        ([Scored(1, Y, Basis.INFORMATION)], False, ConcernLevel.LOW),
        ([Scored(1, NK), Scored(2, NK), Scored(1, NK)], False, ConcernLevel.LOW),
        ([Scored(1, NK), Scored(2, NK)], False, ConcernLevel.NONE),
        ([Scored(2, Y, "information"), Scored(2, Y, "information")], False, ConcernLevel.MEDIUM),
        ([Scored(3, Y, Basis.INFORMATION)], False, ConcernLevel.MEDIUM),  # red flag, uncorroborated
        ([Scored(3, Y, Basis.DISCLOSURE)], False, ConcernLevel.HIGH),
        ([Scored(3, Y, Basis.INTELLIGENCE)], False, ConcernLevel.HIGH),
        ([Scored(2, Y, "information")] * 4, False, ConcernLevel.HIGH),  # total 8
        (
            [Scored(2, Y, "information")] * 3 + [Scored(1, Y, "information")],
            False,
            ConcernLevel.MEDIUM,
        ),
        ([], True, ConcernLevel.HIGH),  # immediate danger
    ],
)
def test_rule(answers, danger, expected):
    assert suggest_level(answers, immediate_danger=danger).level == expected


weights = st.integers(min_value=1, max_value=3)
answer = st.builds(Scored, weights, st.sampled_from(list(Answer)), st.sampled_from(["", *Basis]))


@given(st.lists(answer, max_size=30), answer)
def test_another_yes_never_lowers_the_level(answers, extra):
    extra = Scored(extra.weight, Answer.YES, extra.basis)
    before = CONCERN_ORDER.index(suggest_level(answers).level)
    after = CONCERN_ORDER.index(suggest_level([*answers, extra]).level)
    assert after >= before


@given(st.lists(answer, max_size=30))
def test_the_suggestion_explains_itself(answers):
    suggestion = suggest_level(answers)
    assert suggestion.reasons and suggestion.reasons[0].startswith(f"score {suggestion.total}")
