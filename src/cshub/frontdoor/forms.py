from __future__ import annotations

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms

from cshub.accounts.models import Team
from cshub.contexts.models import Place
from cshub.core.forms import StrictForm, gds_helper
from cshub.core.vocab import Ethnicity, HarmType, Sex, VulnerabilityFactor

from .choices import (
    Answer,
    Basis,
    Channel,
    ConcernLevel,
    Consent,
    NrmConsideration,
    Outcome,
    SubjectRole,
)
from .routing import ROUTES

YES_NO = [("yes", "Yes"), ("no", "No")]


class ContactDraftForm(StrictForm):
    allowed_extra = frozenset({"save", "submit", "autosave"})

    version = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(choices=Channel.choices, label="How did the concern arrive?")
    received_date = DateInputField(
        required=False,
        label="When was it received?",
        help_text="Leave blank if it is being received now.",
    )
    received_time = forms.RegexField(
        regex=r"^([01]?\d|2[0-3]):[0-5]\d$",
        required=False,
        label="Time received (24-hour, e.g. 14:30)",
        error_messages={"invalid": "Enter a time like 09:30 or 14:30."},
    )
    referrer_name = forms.CharField(max_length=200, required=False, label="Referrer's name")
    referrer_role = forms.CharField(max_length=200, required=False, label="Referrer's role")
    referrer_contact_details = forms.CharField(
        max_length=200, required=False, label="How to reach the referrer (phone or e-mail)"
    )
    what_happened = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=20000,
        label="What happened?",
        help_text="In the referrer's own words: what they saw, heard or were told, when and where.",
    )
    harm_types = forms.MultipleChoiceField(
        choices=HarmType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="What harm is suspected?",
    )
    immediate_danger = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Is the child in immediate danger?",
        help_text="If yes, also call the police on 999 now.",
    )
    consent = forms.ChoiceField(
        choices=[("", "Not recorded yet")] + Consent.choices,
        required=False,
        widget=forms.RadioSelect,
        label="Did the family consent to this contact?",
    )
    consent_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label="If not, why share without consent?",
        help_text="The lawful basis and the reason, e.g. seeking consent would increase the risk.",
    )

    def __init__(self, *args, front_door: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not front_door:  # partners raise contacts through cshub itself, now
            for name in ("channel", "received_date", "received_time"):
                del self.fields[name]
        layout = [Field("version")]
        if front_door:
            layout += [
                Field.radios("channel", legend_size=Size.SMALL),
                Field("received_date"),
                Field.text("received_time", field_width=5),
            ]
        layout += [
            Fieldset(
                Field.text("referrer_name"),
                Field.text("referrer_role"),
                Field.text("referrer_contact_details"),
                legend="Who is raising the concern",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("what_happened"),
            Field.checkboxes("harm_types", legend_size=Size.SMALL),
            Field.radios("immediate_danger", legend_size=Size.SMALL, inline=True),
            Field.radios("consent", legend_size=Size.SMALL),
            Field.textarea("consent_reason"),
            Button("save", "Save draft", css_class="govuk-button--secondary"),
        ]
        self.helper = gds_helper(*layout)

    def clean(self):
        data = super().clean()
        if self.fields.get("received_date") is not None:
            day, time = data.get("received_date"), data.get("received_time")
            if bool(day) != bool(time):
                self.add_error(
                    "received_time", "Enter both the date and the time it was received, or neither."
                )
        return data


class SubjectSearchForm(StrictForm):
    allowed_extra = frozenset({"search", "action"})

    role = forms.ChoiceField(
        choices=SubjectRole.choices, label="Their part in the concern", widget=forms.RadioSelect
    )
    given_name = forms.CharField(max_length=100, required=False, label="First name")
    family_name = forms.CharField(max_length=100, required=False, label="Last name")
    date_of_birth = DateInputField(required=False, label="Date of birth")
    identifier = forms.CharField(
        max_length=30, required=False, label="Any identifier (NHS number, UPN...)"
    )
    postcode = forms.CharField(max_length=8, required=False, label="Postcode")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("given_name", field_width=20),
            Field.text("family_name", field_width=20),
            Field("date_of_birth"),
            Field.text("identifier", field_width=20),
            Field.text("postcode", field_width=10),
            Button("search", "Search for existing records"),
        )

    def clean(self):
        data = super().clean()
        if not (data.get("family_name") or data.get("date_of_birth") or data.get("identifier")):
            raise forms.ValidationError(
                "Enter at least a last name, a date of birth or an identifier."
            )
        return data


class AddExistingForm(StrictForm):
    allowed_extra = frozenset({"action"})

    person = forms.UUIDField()
    role = forms.ChoiceField(choices=SubjectRole.choices)


class NewPersonForm(StrictForm):
    allowed_extra = frozenset({"create", "action"})

    role = forms.ChoiceField(choices=SubjectRole.choices, widget=forms.HiddenInput)
    given_name = forms.CharField(max_length=100, label="First name")
    family_name = forms.CharField(max_length=100, label="Last name")
    date_of_birth = DateInputField(required=False, label="Date of birth")
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.NOT_KNOWN)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.NOT_OBTAINED)
    confirm_new = forms.BooleanField(
        label="I have searched, and this person is not one of the records found",
        error_messages={"required": "Confirm that none of the records found is this person."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "new_%s")  # shares a page with the search form's fields
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("role"),
            Field.text("given_name", field_width=20),
            Field.text("family_name", field_width=20),
            Field("date_of_birth"),
            Field.select("sex"),
            Field.select("ethnicity"),
            Field.checkbox("confirm_new"),
            Button("create", "Create a new record", css_class="govuk-button--secondary"),
        )


class DecisionForm(StrictForm):
    allowed_extra = frozenset({"decide"})

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect, label="Decision")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=10000, label="Rationale"
    )
    receiving_team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label="Receiving team",
        empty_label="None (advice or universal services)",
    )
    nrm_consideration = forms.ChoiceField(
        choices=[("", "Not applicable")] + NrmConsideration.choices,
        required=False,
        widget=forms.RadioSelect,
        label="National Referral Mechanism",
    )
    nrm_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000, label="NRM note"
    )
    immediate_danger_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
        label="Immediate danger: why no strategy discussion?",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        functions = {route[0] for route in ROUTES.values() if route}
        self.fields["receiving_team"].queryset = Team.objects.filter(
            function__in=functions
        ).select_related("agency")
        self.helper = gds_helper(
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("rationale"),
            Field.select("receiving_team"),
            Field.radios("nrm_consideration", legend_size=Size.SMALL),
            Field.textarea("nrm_note"),
            Field.textarea("immediate_danger_note"),
            Button("decide", "Record the decision"),
        )


class ScreeningForm(StrictForm):
    """One row per indicator of the current tool, then the judgement, voices and factors."""

    allowed_extra = frozenset({"screen"})

    final_level = forms.ChoiceField(
        choices=ConcernLevel.choices, widget=forms.RadioSelect, label="Your level of concern"
    )
    difference_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label="If your level differs from the tool's, why?",
    )
    child_voice = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
        label="The child's voice",
    )
    child_voice_missing_reason = forms.CharField(
        required=False, max_length=2000, label="Or: why the child's voice could not be gathered"
    )
    parent_view = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
        label="The parent or carer's view",
    )
    parent_view_missing_reason = forms.CharField(
        required=False, max_length=2000, label="Or: why their view could not be gathered"
    )
    factors = forms.MultipleChoiceField(
        choices=VulnerabilityFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Vulnerability factors found",
    )
    add_factors_to_record = forms.BooleanField(
        required=False, label="Add the factors found to the child's record"
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"answer_{indicator.pk}"] = forms.ChoiceField(
                choices=Answer.choices,
                widget=forms.RadioSelect,
                label=indicator.text,
                error_messages={"required": f"Answer '{indicator.text}'."},
            )
            self.fields[f"basis_{indicator.pk}"] = forms.ChoiceField(
                choices=[("", "Choose")] + Basis.choices, required=False, label="Rests on"
            )
            self.fields[f"evidence_{indicator.pk}"] = forms.CharField(
                required=False, max_length=2000, label="Evidence"
            )
        self.build_helper()

    def build_helper(self):
        self.helper = gds_helper(
            Field.textarea("child_voice"),
            Field.text("child_voice_missing_reason"),
            Field.textarea("parent_view"),
            Field.text("parent_view_missing_reason"),
            Field.checkboxes("factors", legend_size=Size.SMALL, small=True),
            Field.checkbox("add_factors_to_record"),
            Field.radios("final_level", legend_size=Size.MEDIUM),
            Field.textarea("difference_reason"),
            Button("screen", "Record the screening"),
        )

    def rows(self):
        """(indicator, answer field, basis field, evidence field) for the template, by theme."""
        for indicator in self.indicators:
            yield (
                indicator,
                self[f"answer_{indicator.pk}"],
                self[f"basis_{indicator.pk}"],
                self[f"evidence_{indicator.pk}"],
            )


class ContactPlaceForm(StrictForm):
    """A place involved in the concern, chosen from the places the partnership knows."""

    allowed_extra = frozenset({"action"})

    place = forms.ModelChoiceField(
        queryset=Place.objects.none(),
        label="A place involved",
        empty_label="Choose a place",
        error_messages={"invalid_choice": "Choose a place from the list."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "place_%s")
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.select_related("ward").order_by("name", "id")
