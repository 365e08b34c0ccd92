from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Size
from django import forms
from django.utils import timezone

from cshub.accounts.models import Team, User
from cshub.core.forms import StrictForm, gds_helper
from cshub.core.vocab import CaseStatus, HarmType, RiskLevel

from .models import AUTHOR_ROLES, COMPLETING_FUNCTIONS, Aim3Outcome, AssessmentKind

TEXT_LIMIT = 10_000
STALE_PAGE = "This page is out of date: reload the assessment and make your changes again."


def _text(label: str, help_text: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class VersionedForm(StrictForm):
    """A form that carries the version of the assessment it was opened on (optimistic locking).
    A missing or altered version is reported in the error summary, not lost on a hidden field."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        if "version" in self.errors:
            self.add_error(None, STALE_PAGE)
        return data


class AssessmentCreateForm(StrictForm):
    allowed_extra = frozenset({"start"})

    kind = forms.ChoiceField(
        choices=AssessmentKind.choices,
        widget=forms.RadioSelect,
        label="Which assessment?",
        help_text="For AIM3, cshub records the outcome, who completed it and when: the AIM3 "
        "assessment itself stays in its own form.",
    )
    team = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        label="Which team is completing it?",
        help_text="Recorded on the assessment: the partnership counts completed assessments by "
        "team.",
        empty_label=None,
    )
    case = forms.ModelChoiceField(
        queryset=None, required=False, label="Case", empty_label="Not linked to a case"
    )

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        functions = {f for kind in COMPLETING_FUNCTIONS.values() for f in kind}
        teams = (
            user.memberships.filter(
                ended_on__isnull=True, role__in=AUTHOR_ROLES, team__function__in=functions
            )
            .values("team_id")
            .distinct()
        )
        self.fields["team"].queryset = Team.objects.filter(pk__in=teams).order_by("name")
        self.fields["case"].queryset = person.cases.filter(status=CaseStatus.OPEN).order_by(
            "-opened_on"
        )
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.reference} – {case.get_level_display()}, opened {case.opened_on:%d %b %Y}"
        )
        if len(self.fields["team"].queryset) == 1:
            self.fields["team"].initial = self.fields["team"].queryset[0].pk
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.radios("team", legend_size=Size.MEDIUM),
            Field.select("case"),
            Button("start", "Start the assessment"),
        )

    def clean(self):
        data = super().clean()
        kind, team = data.get("kind"), data.get("team")
        if kind and team and team.function not in COMPLETING_FUNCTIONS[kind]:
            label = AssessmentKind(kind).label
            self.add_error("team", f"{team.name} does not complete the {label}.")
        return data


class BaceSectionsForm(VersionedForm):
    allowed_extra = frozenset({"save"})

    child_voice = _text(
        "The child's voice",
        "What the child says and shows about their life, worries and what they want, in their "
        "words where you can.",
    )
    child_voice_not_obtained = _text(
        "If you could not gather the child's voice, say why", "For example, declined to meet."
    )
    parent_view = _text("The parent's or carer's view")
    parent_view_not_obtained = _text("If you could not gather their view, say why")
    vulnerabilities = _text("Vulnerabilities")
    strengths = _text("Strengths and protective factors")
    context_peers = _text("Peers", "Friendships, groups, older peers and adults of concern.")
    context_places = _text("Places", "Where they spend time, are found or go missing to.")
    context_online = _text("Online", "Apps, platforms, contacts and what happens there.")
    context_school = _text("School or education", "Attendance, exclusions, relationships.")
    analysis = _text("Analysis", "What the information means: risk, need and what drives them.")
    recommended_actions = _text("Recommended actions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("version"),
            Fieldset(
                Field.textarea("child_voice", rows=6),
                Field.textarea("child_voice_not_obtained", rows=2),
                legend="The child's voice",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("parent_view", rows=5),
                Field.textarea("parent_view_not_obtained", rows=2),
                legend="The parent's or carer's view",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("vulnerabilities", label_size=Size.MEDIUM),
            Field.textarea("strengths", label_size=Size.MEDIUM),
            Fieldset(
                HTML(
                    '<p class="govuk-body">Write ‘none known’ where nothing is known, so a '
                    "reader sees the context was considered.</p>"
                ),
                Field.textarea("context_peers", rows=4),
                Field.textarea("context_places", rows=4),
                Field.textarea("context_online", rows=4),
                Field.textarea("context_school", rows=4),
                legend="Contexts",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("analysis", label_size=Size.MEDIUM, rows=8),
            Field.textarea("recommended_actions", label_size=Size.MEDIUM, rows=6),
            Button("save", "Save"),
        )


def _aim3_completers():
    return (
        User.objects.filter(
            is_active=True,
            memberships__ended_on__isnull=True,
            memberships__role__in=AUTHOR_ROLES,
            memberships__team__function__in=COMPLETING_FUNCTIONS[AssessmentKind.AIM3],
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(
            "The date the AIM3 assessment was completed must be today or in the past."
        )


class Aim3OutcomeForm(VersionedForm):
    allowed_extra = frozenset({"save"})

    aim3_outcome = forms.ChoiceField(
        choices=Aim3Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
        label="AIM3 outcome level",
    )
    aim3_completed_by = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Who completed the AIM3 assessment?",
        help_text="An AIM3-trained practitioner; it may be someone other than you.",
        empty_label="Choose who completed it",
    )
    aim3_completed_on = DateInputField(
        required=False,
        label="When was it completed?",
        help_text="For example, 27 3 2026",
        validators=[_not_in_future],
    )
    analysis = _text("Summary of the outcome", "What the AIM3 assessment found, in brief.")
    recommended_actions = _text("Recommended actions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aim3_completed_by"].queryset = _aim3_completers()
        self.fields["aim3_completed_by"].label_from_instance = lambda u: (
            f"{u}{f' – {u.job_title}' if u.job_title else ''}"
        )
        self.helper = gds_helper(
            Field("version"),
            HTML(
                '<div class="govuk-inset-text">cshub records the outcome of an AIM3 assessment, '
                "who completed it and when. It does not hold the AIM3 assessment itself.</div>"
            ),
            Field.radios("aim3_outcome", legend_size=Size.MEDIUM, inline=True),
            Field.select("aim3_completed_by"),
            Field("aim3_completed_on"),
            Field.textarea("analysis", rows=5),
            Field.textarea("recommended_actions", rows=4),
            Button("save", "Save"),
        )


def risk_field(harm: str) -> str:
    return f"risk_{harm}"


def indicators_field(harm: str) -> str:
    return f"indicators_{harm}"


class RiskGridForm(VersionedForm):
    """One row per harm type: a risk level (or not assessed) and the indicators seen."""

    allowed_extra = frozenset({"save"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = []
        for harm in HarmType:
            self.fields[risk_field(harm)] = forms.ChoiceField(
                choices=[("", "Not assessed"), *RiskLevel.choices],
                required=False,
                label=f"Risk of {harm.label.lower()}",
            )
            self.fields[indicators_field(harm)] = forms.CharField(
                required=False,
                max_length=TEXT_LIMIT,
                label=f"Indicators of {harm.label.lower()}",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            rows.append(
                Fieldset(
                    Field.select(risk_field(harm)),
                    Field.textarea(indicators_field(harm), rows=3),
                    legend=harm.label,
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = gds_helper(Field("version"), *rows, Button("save", "Save risks"))

    def unexpected_names(self) -> list[str]:
        return [
            name
            for name in super().unexpected_names()
            if name.partition("_")[0] not in ("risk", "indicators")
        ]

    def clean(self):
        data = super().clean()
        known = set(HarmType.values)
        for key in self.data:
            prefix, _, harm = key.partition("_")
            if prefix in ("risk", "indicators") and harm not in known:
                self.add_error(None, f"‘{harm}’ is not a harm type cshub knows: nothing was saved.")
        for harm in HarmType:
            if data.get(indicators_field(harm), "").strip() and not data.get(risk_field(harm)):
                self.add_error(
                    risk_field(harm),
                    f"Choose a risk level for {harm.label.lower()}, or clear its indicators.",
                )
        return data

    @property
    def risks(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            harm.value: (data[risk_field(harm)], data.get(indicators_field(harm), ""))
            for harm in HarmType
            if data.get(risk_field(harm))
        }

    @classmethod
    def initial_for(cls, assessment) -> dict:
        initial: dict = {"version": assessment.version}
        for risk in assessment.risks.all():
            initial[risk_field(risk.harm_type)] = risk.risk_level
            initial[indicators_field(risk.harm_type)] = risk.indicators
        return initial


class SubmitForm(VersionedForm):
    allowed_extra = frozenset({"submit"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("version"), Button("submit", "Submit for approval"))


class ReturnForm(StrictForm):
    allowed_extra = frozenset({"return"})

    reason = forms.CharField(
        label="What needs to change?",
        help_text="The author sees this with the assessment.",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what needs to change before you can approve it."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("reason", rows=5),
            Button("return", "Return for changes", css_class="govuk-button--warning"),
        )


def _review_not_past(value):
    if value and value < timezone.localdate():
        raise forms.ValidationError("The review date must be today or in the future.")


class ApproveForm(StrictForm):
    allowed_extra = frozenset({"approve"})

    review_on = DateInputField(
        label="When is it to be reviewed?",
        help_text="Within the next 12 months. For example, 27 5 2027",
        validators=[_review_not_past],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_on"].error_messages.update(
            {
                "required": "Enter the date this assessment is to be reviewed.",
                "incomplete": "Enter the day, month and year of the review.",
            }
        )
        self.helper = gds_helper(Field("review_on"), Button("approve", "Approve"))
