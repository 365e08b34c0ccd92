from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from cshub.accounts.models import Agency
from cshub.core.forms import StrictForm, gds_helper
from cshub.people.models import Person

from .choices import ActivityKind, FourP, Outcome


class ActivityForm(StrictForm):
    allowed_extra = frozenset({"save"})

    kind = forms.ChoiceField(choices=ActivityKind.choices, label="What was done")
    occurred_on = DateInputField(label="Date")
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Agency", empty_label=None
    )
    four_p = forms.ChoiceField(
        choices=FourP.choices, widget=forms.RadioSelect, label="4 P category"
    )
    outcome = forms.ChoiceField(choices=Outcome.choices, label="Outcome")
    children = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Children it protects",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, agencies=None, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["children"].queryset = Person.objects.filter(pk__in=[c.pk for c in children])
        self.fields["children"].label_from_instance = lambda p: p.full_name
        layout = [
            Field.select("kind"),
            Field("occurred_on"),
            Field.select("agency"),
            Field.radios("four_p", legend_size=Size.SMALL),
            Field.select("outcome"),
        ]
        if children:
            layout.append(Field.checkboxes("children", legend_size=Size.SMALL))
        layout += [Field.textarea("notes"), Button("save", "Record the disruption")]
        self.helper = gds_helper(*layout)


TARGET_TYPE_CHOICES = [
    ("person", "An adult of concern"),
    ("place", "A place"),
    ("group", "A group"),
]


class ActivityFilterForm(forms.Form):
    """The list's filters come from an allowlist: only these choices reach the query."""

    kind = forms.ChoiceField(
        choices=[("", "All kinds")] + ActivityKind.choices, required=False, label="What was done"
    )
    outcome = forms.ChoiceField(
        choices=[("", "All outcomes")] + Outcome.choices, required=False, label="Outcome"
    )
    four_p = forms.ChoiceField(
        choices=[("", "All")] + FourP.choices, required=False, label="4 P category"
    )
    target = forms.ChoiceField(
        choices=[("", "All targets")] + TARGET_TYPE_CHOICES, required=False, label="Against"
    )

    def filters(self) -> dict[str, str]:
        """The valid filters (an invalid one is ignored, as on the places and groups lists)."""
        data: dict = {}
        if self.is_bound:
            self.is_valid()  # cleans every field; an invalid one is left out of cleaned_data
            data = self.cleaned_data
        return {
            "kind": data.get("kind", ""),
            "outcome": data.get("outcome", ""),
            "four_p": data.get("four_p", ""),
            "target_type": data.get("target", ""),
        }
