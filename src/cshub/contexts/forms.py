from django import forms

from cshub.core.models import Ward
from cshub.core.vocab import GroupKind, PlaceKind


class PlaceFilterForm(forms.Form):
    """Filters come from an allowlist: only these choices reach the query."""

    kind = forms.ChoiceField(choices=[("", "All kinds")] + PlaceKind.choices, required=False)
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.all(),
        required=False,
        empty_label="All wards",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )


class GroupFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds")] + GroupKind.choices, required=False)
