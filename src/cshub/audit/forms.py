from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field
from django import forms

from cshub.core.forms import gds_helper

from .models import Outcome


class AuditFilterForm(forms.Form):
    """Every filter is validated: a free-text field never reaches the query unchecked."""

    user = forms.RegexField(
        regex=r"^[\w.@+-]{1,150}$", required=False, label="Username", max_length=150
    )
    person = forms.UUIDField(required=False, label="Person id")
    action = forms.RegexField(
        regex=r"^[a-z_.]{1,100}$", required=False, label="Action (or its start, e.g. people.)"
    )
    outcome = forms.ChoiceField(choices=[("", "Any")] + Outcome.choices, required=False)
    date_from = DateInputField(required=False, label="From")
    date_to = DateInputField(required=False, label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("user", field_width=20),
            Field.text("person", field_width=20),
            Field.text("action", field_width=20),
            Field.select("outcome"),
            Field("date_from"),
            Field("date_to"),
            Button("filter", "Show events"),
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data


class PersonLogFilterForm(forms.Form):
    user = forms.RegexField(
        regex=r"^[\w.@+-]{1,150}$", required=False, label="Username", max_length=150
    )
    date_from = DateInputField(required=False, label="From")
    date_to = DateInputField(required=False, label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("user", field_width=20),
            Field("date_from"),
            Field("date_to"),
            Button("filter", "Filter"),
        )
