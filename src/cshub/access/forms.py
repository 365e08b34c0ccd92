from crispy_forms_gds.layout import Button, Field
from django import forms

from cshub.core.forms import gds_helper

from .models import BreakGlass


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        label="Why do you need to see this record now?",
        help_text="Your reason, your name and the time are recorded and sent for review.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("reason"),
            Button("confirm", "Get emergency access", css_class="govuk-button--warning"),
        )


class BreakGlassReviewForm(forms.Form):
    review = forms.ChoiceField(
        choices=BreakGlass.Review.choices,
        widget=forms.RadioSelect,
        label="Was the access justified?",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000, label="Note"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("review", legend_size="s"),
            Field.textarea("note"),
            Button("save", "Record review"),
        )


class SealForm(forms.Form):
    sealed = forms.TypedChoiceField(
        choices=[("yes", "Sealed: only the named users may see it"), ("no", "Not sealed")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Is this record sealed?",
    )
    named_users = forms.CharField(
        required=False,
        max_length=2000,
        label="Who may see it",
        help_text="Usernames, separated by commas",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("sealed"),
            Field.text("named_users"),
            Field.textarea("reason"),
            Button("save", "Save"),
        )

    def clean_named_users(self):
        from cshub.accounts.models import User

        names = sorted(
            {n.strip() for n in self.cleaned_data["named_users"].split(",") if n.strip()}
        )
        users = list(User.objects.filter(username__in=names, is_active=True))
        unknown = sorted(set(names) - {u.username for u in users})
        if unknown:
            raise forms.ValidationError(f"No active user called: {', '.join(unknown)}.")
        return users
