from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from cshub.accounts.models import Agency
from cshub.core.forms import StrictForm, gds_helper, local_moment, time_field
from cshub.people.models import Case

from .choices import ConclusiveGrounds, DecisionMaker, ExploitationType, Location, ReasonableGrounds


class _Form(StrictForm):
    allowed_extra = frozenset({"save"})


class ReferralForm(_Form):
    first_responder = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="First responder organisation", empty_label=None
    )
    submitted_on = DateInputField(label="Submitted on")
    submitted_time = time_field("Time submitted (24-hour, e.g. 14:30)")
    exploitation_types = forms.MultipleChoiceField(
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Types of exploitation",
    )
    location = forms.ChoiceField(
        choices=Location.choices, widget=forms.RadioSelect, label="Where it happened"
    )
    case = forms.ModelChoiceField(
        queryset=Case.objects.none(), required=False, label="Case", empty_label="No case"
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Why the child is believed to be a victim",
    )

    def __init__(self, *args, agencies=None, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_responder"].queryset = agencies
        self.fields["case"].queryset = Case.objects.filter(person=person)
        self.helper = gds_helper(
            Field.select("first_responder"),
            Field("submitted_on"),
            Field.text("submitted_time", field_width=5),
            Field.checkboxes("exploitation_types", legend_size=Size.SMALL),
            Field.radios("location", legend_size=Size.SMALL),
            Field.select("case"),
            Field.textarea("summary"),
            Button("save", "Record the referral"),
        )

    def clean(self):
        data = super().clean()
        data["submitted_at"] = local_moment(data.get("submitted_on"), data.get("submitted_time"))
        return data


class DecisionForm(_Form):
    reasonable_grounds = forms.ChoiceField(
        choices=ReasonableGrounds.choices,
        widget=forms.RadioSelect,
        label="Reasonable grounds decision",
    )
    reasonable_grounds_on = DateInputField(label="Date of the decision", required=False)
    conclusive_grounds = forms.ChoiceField(
        choices=[("", "Not yet")] + list(ConclusiveGrounds.choices),
        widget=forms.RadioSelect,
        required=False,
        label="Conclusive grounds decision",
    )
    conclusive_grounds_on = DateInputField(label="Date of the conclusive decision", required=False)
    decided_by = forms.ChoiceField(
        choices=[("", "Not yet")] + list(DecisionMaker.choices),
        required=False,
        label="Who decided",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("reasonable_grounds", legend_size=Size.SMALL),
            Field("reasonable_grounds_on"),
            Field.radios("conclusive_grounds", legend_size=Size.SMALL),
            Field("conclusive_grounds_on"),
            Field.select("decided_by"),
            Button("save", "Save the decisions"),
        )
