"""The data steward's forms: a decision on a pair, and the reason for splitting a merge."""

from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from cshub.core.forms import StrictForm, gds_helper

from .choices import CandidateKind, Decision


class DecisionForm(StrictForm):
    allowed_extra = frozenset({"save"})

    decision = forms.ChoiceField(
        choices=Decision.choices, widget=forms.RadioSelect, label="Your decision"
    )
    keep = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        label="If they are one person, which record stays",
        help_text="The other is retired: everything it holds moves to the one that stays. "
        "A merge can be split again.",
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note (optional)",
        help_text="What made you sure, e.g. checked with the school. Kept with the decision.",
    )

    def __init__(self, *args, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [Field.radios("decision", legend_size=Size.SMALL)]
        if candidate is not None and candidate.kind == CandidateKind.PEOPLE:
            self.fields["keep"].choices = [
                (str(candidate.person_id), candidate.person.full_name + " (left)"),
                (str(candidate.other_person_id), candidate.other_person.full_name + " (right)"),
            ]
            self.fields["keep"].initial = str(candidate.person_id)
            fields.append(Field.radios("keep", legend_size=Size.SMALL))
        else:
            del self.fields["keep"]
        fields += [Field.textarea("note"), Button("save", "Save the decision")]
        self.helper = gds_helper(*fields)

    def clean(self):
        data = super().clean()
        if "keep" in self.fields and data.get("decision") == Decision.LINK and not data.get("keep"):
            self.add_error("keep", "Choose which record stays.")
        return data


class SplitForm(StrictForm):
    allowed_extra = frozenset({"save"})

    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why are these two people?",
        error_messages={"required": "Say why these are two people."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason"), Button("save", "Split the merge"))
