from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError

from cshub.accounts.models import Agency
from cshub.contexts.models import Place
from cshub.core.forms import StrictForm, gds_helper, local_moment, time_field
from cshub.core.vocab import AgencyKind, HarmType
from cshub.people.models import Person

from .choices import (
    EpisodeType,
    MissingFrom,
    NotOfferedReason,
    PlacementType,
    PoliceRisk,
    PullFactor,
    PushFactor,
    ReturnMethod,
    RhiResponse,
    Substance,
)


class _Form(StrictForm):
    allowed_extra = frozenset({"save", "share"})  # the buttons' names


class _Moments(_Form):
    """Date + time pairs, combined into aware datetimes in `clean` as <name>."""

    moments: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()
        for name in self.moments:
            day, hhmm = data.get(f"{name}_date"), data.get(f"{name}_time")
            required = self.fields[f"{name}_date"].required
            if bool(day) != bool(hhmm) and not self.has_error(f"{name}_date"):
                self.add_error(f"{name}_time", "Enter both the date and the time, or neither.")
            elif required and not day and not self.has_error(f"{name}_date"):
                self.add_error(f"{name}_date", "Enter the date.")
            data[name] = local_moment(day, hhmm) if day and hhmm else None
        return data


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, place):
        return f"{place.name} ({place.get_kind_display().lower()})"


class EpisodeForm(_Moments):
    """A worker recording a report the police phoned or e-mailed through."""

    moments = ("reported_at", "notified_at", "last_seen_at")

    reporting_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Police force", empty_label=None
    )
    police_reference = forms.RegexField(
        regex=r"^[A-Za-z0-9][A-Za-z0-9/\-]{0,39}$",
        label="Police reference",
        error_messages={
            "invalid": "A police reference is letters, digits, / and -, up to 40.",
            "required": "Enter the police reference.",
        },
    )
    reported_at_date = DateInputField(label="When the police were told")
    reported_at_time = time_field("Time the police were told (24-hour, e.g. 14:30)")
    notified_at_date = DateInputField(
        label="When the council was told", help_text="Leave blank if it is now.", required=False
    )
    notified_at_time = time_field("Time the council was told", required=False)
    episode_type = forms.ChoiceField(
        choices=EpisodeType.choices,
        initial=EpisodeType.MISSING,
        widget=forms.RadioSelect,
        label="Type of episode",
    )
    missing_from = forms.ChoiceField(
        choices=MissingFrom.choices, widget=forms.RadioSelect, label="Missing from"
    )
    placement_type = forms.ChoiceField(
        choices=[("", "Not a care placement")] + list(PlacementType.choices),
        required=False,
        label="Type of placement (care placements only)",
    )
    police_risk = forms.ChoiceField(
        choices=PoliceRisk.choices, widget=forms.RadioSelect, label="Police risk assessment"
    )
    last_seen_at_date = DateInputField(label="Last seen", required=False)
    last_seen_at_time = time_field("Time last seen", required=False)
    last_seen_where = forms.CharField(max_length=200, required=False, label="Last seen where")
    last_seen_place = PlaceChoiceField(
        queryset=Place.objects.none(),
        required=False,
        label="Last seen at a known place",
        empty_label="None of these",
    )
    last_seen_with = forms.CharField(
        max_length=200, required=False, label="Last seen with (as described)"
    )
    people_with = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Last seen with people they are known to be linked to",
    )

    def __init__(self, *args, people_choices=(), own_force=None, **kwargs):
        super().__init__(*args, **kwargs)
        forces = Agency.objects.filter(kind=AgencyKind.POLICE).order_by("name")
        self.fields["reporting_agency"].queryset = forces
        self.fields["reporting_agency"].initial = (
            own_force or forces.values_list("pk", flat=True).first()
        )
        self.fields["last_seen_place"].queryset = Place.objects.exclude(kind="school").order_by(
            "name"
        )
        self.fields["people_with"].queryset = Person.objects.filter(
            pk__in=[p.pk for p in people_choices]
        ).order_by("family_name", "given_name")
        self.fields["people_with"].label_from_instance = lambda p: p.full_name
        layout = [
            Field.select("reporting_agency"),
            Field.text("police_reference", field_width=20),
            Field.radios("episode_type", legend_size=Size.SMALL),
            Fieldset(
                Field("reported_at_date"),
                Field.text("reported_at_time", field_width=5),
                Field("notified_at_date"),
                Field.text("notified_at_time", field_width=5),
                legend="Reports",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("missing_from", legend_size=Size.SMALL),
            Field.select("placement_type"),
            Field.radios("police_risk", legend_size=Size.SMALL),
            Fieldset(
                Field("last_seen_at_date"),
                Field.text("last_seen_at_time", field_width=5),
                Field.text("last_seen_where"),
                Field.select("last_seen_place"),
                Field.text("last_seen_with"),
                legend="Last seen",
                legend_size=Size.MEDIUM,
            ),
        ]
        if people_choices:
            layout.append(Field.checkboxes("people_with", legend_size=Size.SMALL))
        else:
            del self.fields["people_with"]
        layout.append(Button("save", "Record the episode"))
        self.helper = gds_helper(*layout)


class ReturnForm(_Moments):
    moments = ("returned_at",)

    returned_at_date = DateInputField(label="Returned or found on")
    returned_at_time = time_field("Time (24-hour, e.g. 14:30)")
    return_method = forms.ChoiceField(
        choices=ReturnMethod.choices, widget=forms.RadioSelect, label="How they came back"
    )
    found_where = forms.CharField(max_length=200, required=False, label="Where they were found")
    found_place = PlaceChoiceField(
        queryset=Place.objects.none(),
        required=False,
        label="Found at a known place",
        empty_label="None of these",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["found_place"].queryset = Place.objects.exclude(kind="school").order_by("name")
        self.helper = gds_helper(
            Field("returned_at_date"),
            Field.text("returned_at_time", field_width=5),
            Field.radios("return_method", legend_size=Size.SMALL),
            Field.text("found_where"),
            Field.select("found_place"),
            Button("save", "Record the return"),
        )


class OfferForm(_Moments):
    moments = ("offered_at",)

    offered_at_date = DateInputField(label="Offered on")
    offered_at_time = time_field("Time offered (24-hour, e.g. 14:30)")
    response = forms.ChoiceField(
        choices=[("", "Not answered yet")] + list(RhiResponse.choices),
        required=False,
        widget=forms.RadioSelect,
        label="The child's answer",
    )
    declined_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why they declined (in their words where possible)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("offered_at_date"),
            Field.text("offered_at_time", field_width=5),
            Field.radios("response", legend_size=Size.SMALL),
            Field.textarea("declined_reason"),
            Button("save", "Save the offer"),
        )


class NotOfferedForm(_Form):
    reason = forms.ChoiceField(
        choices=NotOfferedReason.choices, widget=forms.RadioSelect, label="Why not"
    )
    detail = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Explain the decision", max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("detail"),
            Button("save", "Record the decision", css_class="govuk-button--warning"),
        )


def sign_field(harm: str) -> str:
    return f"sign_{harm}"


class InterviewForm(_Moments):
    moments = ("held_at",)

    held_at_date = DateInputField(label="Held on")
    held_at_time = time_field("Time (24-hour, e.g. 14:30)")
    held_where = forms.CharField(max_length=200, label="Where it was held")
    interviewer_independent = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Was the interviewer independent of the child's care?",
    )
    where_went = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Where they went")
    went_with = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Who they were with"
    )
    push_factors = forms.MultipleChoiceField(
        choices=PushFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What pushed them away",
    )
    pull_factors = forms.MultipleChoiceField(
        choices=PullFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What pulled them away",
    )
    harm_disclosed = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Harm disclosed",
        help_text="Write 'none' if the child disclosed none.",
    )
    harm_not_told_to_police = forms.BooleanField(
        required=False, label="The child disclosed harm they had not told the police"
    )
    substances = forms.MultipleChoiceField(
        choices=Substance.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Substances used while missing",
    )
    health_needs = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Health needs"
    )
    child_views = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="The child's views, in their words"
    )
    actions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Actions and referrals"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        signs = []
        for harm in HarmType:
            name = sign_field(harm)
            self.fields[name] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                label=harm.label,
                help_text="What was seen or said; leave blank if there were no signs.",
            )
            signs.append(Field.textarea(name))
        self.helper = gds_helper(
            Field("held_at_date"),
            Field.text("held_at_time", field_width=5),
            Field.text("held_where"),
            Field.radios("interviewer_independent", legend_size=Size.SMALL),
            Field.textarea("where_went"),
            Field.textarea("went_with"),
            Field.checkboxes("push_factors", legend_size=Size.SMALL),
            Field.checkboxes("pull_factors", legend_size=Size.SMALL),
            Field.textarea("harm_disclosed"),
            Field.checkboxes("harm_not_told_to_police"),
            Fieldset(
                HTML('<p class="govuk-body">For each harm type, the signs of exploitation.</p>'),
                *signs,
                legend="Signs of exploitation",
                legend_size=Size.MEDIUM,
            ),
            Field.checkboxes("substances", legend_size=Size.SMALL),
            Field.textarea("health_needs"),
            Field.textarea("child_views"),
            Field.textarea("actions"),
            Button("save", "Save the interview"),
        )

    def signs(self) -> dict[str, str]:
        return {
            harm.value: self.cleaned_data[sign_field(harm)]
            for harm in HarmType
            if self.cleaned_data.get(sign_field(harm), "").strip()
        }


class ShareForm(_Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Button("share", "Share the outcome with the police"))


class MeetingForm(_Form):
    meeting_on = DateInputField(label="Date of the strategy meeting")
    attendees = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Who attended (names and agencies)"
    )
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Outcome")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("meeting_on"),
            Field.textarea("attendees"),
            Field.textarea("outcome"),
            Button("save", "Record the meeting"),
        )


class MatchForm(_Form):
    """Pick the person a report is about, or make a new record."""

    NEW = "new"

    choice = forms.ChoiceField(widget=forms.RadioSelect, label="Who is this report about?")

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(m.person.pk): m for m in candidates}
        self.fields["choice"].choices = [
            (
                pid,
                f"{m.person.full_name}, born {m.person.date_of_birth or 'not known'} — "
                f"{', '.join(m.reasons) or 'possible'}",
            )
            for pid, m in self.candidates.items()
        ] + [(self.NEW, "None of these: make a new record from the police report")]
        self.helper = gds_helper(
            Field.radios("choice", legend_size=Size.SMALL), Button("save", "Link the report")
        )

    def clean_choice(self):
        value = self.cleaned_data["choice"]
        if value != self.NEW and value not in self.candidates:
            raise ValidationError("Choose one of the people listed.")
        return value
