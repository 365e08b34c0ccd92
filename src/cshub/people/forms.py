from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms
from django.utils import timezone

from cshub.core.forms import gds_helper
from cshub.core.vocab import DatePrecision, Ethnicity, IdentifierScheme, Sex


class PersonSearchForm(forms.Form):
    name = forms.CharField(
        required=False,
        max_length=100,
        label="Name",
        help_text="All or the start of any names, for example ‘jo smi’",
    )
    date_of_birth = DateInputField(required=False, label="Date of birth")
    identifier = forms.CharField(
        required=False,
        max_length=30,
        label="Identifier",
        help_text="NHS number, UPN, PNC id, social care, education, police or youth justice id",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("name", field_width=20),
            Field("date_of_birth"),
            Field.text("identifier", field_width=20),
            Button("search", "Search"),
        )

    def clean(self):
        data = super().clean()
        if not (data.get("name") or data.get("date_of_birth") or data.get("identifier")):
            raise forms.ValidationError("Enter a name, a date of birth or an identifier.")
        return data


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("Date of birth must be today or in the past.")


class PersonCreateForm(forms.Form):
    given_name = forms.CharField(max_length=100, label="First name")
    family_name = forms.CharField(max_length=100, label="Last name")
    date_of_birth = DateInputField(
        required=False,
        label="Date of birth",
        help_text="For example, 27 3 2010. Leave blank if not known.",
        validators=[_not_in_future],
    )
    date_of_birth_precision = forms.ChoiceField(
        choices=[c for c in DatePrecision.choices if c[0] != DatePrecision.UNKNOWN],
        initial=DatePrecision.EXACT,
        label="How sure is the date?",
    )
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.NOT_KNOWN)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.NOT_OBTAINED)
    identifier_scheme = forms.ChoiceField(
        choices=[("", "None")] + IdentifierScheme.choices, required=False, label="Identifier type"
    )
    identifier_value = forms.CharField(max_length=30, required=False, label="Identifier")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("given_name", field_width=20),
            Field.text("family_name", field_width=20),
            Field("date_of_birth"),
            Field.select("date_of_birth_precision"),
            Field.select("sex"),
            Field.select("ethnicity"),
            Fieldset(
                Field.select("identifier_scheme"),
                Field.text("identifier_value", field_width=20),
                legend="An identifier (optional)",
                legend_size=Size.SMALL,
            ),
            Button("save", "Create person"),
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("identifier_scheme")) != bool(data.get("identifier_value")):
            self.add_error("identifier_value", "Choose the identifier type and enter its value.")
        return data


class IdentifierAddForm(forms.Form):
    scheme = forms.ChoiceField(choices=IdentifierScheme.choices, label="Identifier type")
    value = forms.CharField(max_length=30, label="Identifier")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("scheme"),
            Field.text("value", field_width=20),
            Button("save", "Add identifier"),
        )
