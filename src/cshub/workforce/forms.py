from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from cshub.accounts.models import Agency, User
from cshub.core.forms import StrictForm, gds_helper

from .choices import ConsultationStatus, Course


class _Form(StrictForm):
    allowed_extra = frozenset({"save"})


class _StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = f" – {obj.job_title}" if obj.job_title else ""
        return f"{obj}{title}"


class TrainingRecordForm(_Form):
    user = _StaffChoice(
        queryset=User.objects.none(),
        label="Member of staff",
        empty_label="Choose a member of staff",
        error_messages={"required": "Choose the member of staff who completed the course."},
    )
    course = forms.ChoiceField(
        choices=Course.choices,
        widget=forms.RadioSelect,
        label="Course",
        error_messages={"required": "Choose the course."},
    )
    completed_on = DateInputField(label="Completed on")
    expires_on = DateInputField(
        label="Expires on (optional)", required=False, help_text="Leave empty if it does not expire"
    )
    provider = forms.CharField(required=False, max_length=200, label="Delivered by (optional)")

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
        self.helper = gds_helper(
            Field.select("user"),
            Field.radios("course", legend_size=Size.SMALL),
            Field("completed_on"),
            Field("expires_on"),
            Field.text("provider"),
            Button("save", "Record the training"),
        )


class ConsultationForm(_Form):
    offered_on = DateInputField(label="Offered on")
    offered_by = _StaffChoice(
        queryset=User.objects.none(), label="Offered by (HSB service)", empty_label=None
    )
    offered_to_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        label="Offered to (agency)",
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency the consultation was offered to."},
    )
    offered_to_name = forms.CharField(
        max_length=200,
        label="Practitioner offered it",
        help_text="Their name or role, e.g. 'Year 9 head of year'",
        error_messages={"required": "Say who was offered it: the practitioner's name or role."},
    )
    status = forms.ChoiceField(
        choices=ConsultationStatus.choices,
        widget=forms.RadioSelect,
        label="Was it taken up?",
        initial=ConsultationStatus.OFFERED,
    )
    notes = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Notes (optional)",
    )

    def __init__(self, *args, hsb_staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offered_by"].queryset = hsb_staff
        self.helper = gds_helper(
            Field("offered_on"),
            Field.select("offered_by"),
            Field.select("offered_to_agency"),
            Field.text("offered_to_name"),
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("notes"),
            Button("save", "Record the consultation"),
        )
