from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from cshub.accounts.models import Agency
from cshub.core.forms import StrictForm, gds_helper
from cshub.core.vocab import HarmType
from cshub.people.models import Case

from .choices import ENDING_OUTCOMES, EteStatusKind, InterventionKind


class _Form(StrictForm):
    allowed_extra = frozenset({"save"})


class EteStatusForm(_Form):
    status = forms.ChoiceField(
        choices=EteStatusKind.choices,
        widget=forms.RadioSelect,
        label="Education, employment or training status",
        error_messages={"required": "Choose the young person's status."},
    )
    from_date = DateInputField(
        label="Since when", help_text="The day this status began, for example 3 9 2026"
    )
    source = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Which agency the information came from",
        empty_label="Not an agency in the partnership",
    )
    source_note = forms.CharField(
        required=False,
        max_length=200,
        label="Source details (optional)",
        help_text="For example the school's attendance team, the careers service or a system",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field("from_date"),
            Field.select("source"),
            Field.text("source_note"),
            Button("save", "Record the status"),
        )


class InterventionStartForm(_Form):
    kind = forms.ChoiceField(
        choices=InterventionKind.choices,
        widget=forms.RadioSelect,
        label="Intervention",
        error_messages={"required": "Choose the kind of intervention."},
    )
    harm_types = forms.MultipleChoiceField(
        choices=HarmType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Which harm does it address?",
        help_text="Select all that apply.",
    )
    started_on = DateInputField(label="Started on")
    case = forms.ModelChoiceField(
        queryset=Case.objects.none(), required=False, label="Case", empty_label="No case"
    )
    provider = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Provided by (partner agency)",
        empty_label="Not a partner agency",
    )
    provider_name = forms.CharField(
        required=False,
        max_length=200,
        label="Provider or service name",
        help_text="Needed when the provider is not a partner agency, e.g. a mentoring project",
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.filter(person=person)
        self.helper = gds_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.checkboxes("harm_types", legend_size=Size.SMALL),
            Field("started_on"),
            Field.select("case"),
            Field.select("provider"),
            Field.text("provider_name"),
            Button("save", "Record the intervention"),
        )


class InterventionEndForm(_Form):
    ended_on = DateInputField(label="Ended on")
    outcome = forms.ChoiceField(
        choices=[(o.value, o.label) for o in ENDING_OUTCOMES],
        widget=forms.RadioSelect,
        label="Outcome",
        error_messages={"required": "Choose how the intervention ended."},
    )
    outcome_note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Notes on the outcome (optional)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("ended_on"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("outcome_note"),
            Button("save", "Record the end"),
        )
