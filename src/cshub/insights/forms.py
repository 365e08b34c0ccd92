"""The commentary form on the quarterly report: its shape only (no field a manager did not
see); `services.commentary_save` decides what is valid."""

from django import forms

from cshub.core.forms import StrictForm


class CommentaryForm(StrictForm):
    kpi = forms.CharField(required=False, max_length=60)
    period = forms.CharField(required=False, max_length=40)
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea)
