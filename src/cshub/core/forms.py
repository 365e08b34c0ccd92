"""One way to lay out a form with GOV.UK components, used by every app's forms."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms


def gds_helper(*fields) -> FormHelper:
    """A crispy-forms-gds helper for a template that writes its own <form> tag and
    `{% error_summary form %}` above it."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper


def add_service_errors(form, exc, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form, so the error summary shows it."""
    field_map = field_map or {}
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    for field, errors in items:
        target = field_map.get(field, field)
        for error in errors:
            form.add_error(target if target in form.fields else None, error)


class StrictForm(forms.Form):
    """A form that refuses fields it does not have (e.g. an owner team, a restricted flag or an
    id smuggled into a POST), rather than silently ignoring them."""

    ALWAYS_ALLOWED = frozenset({"csrfmiddlewaretoken"})
    allowed_extra: frozenset[str] = frozenset()

    def _expected_names(self) -> set[str]:
        names = set(self.ALWAYS_ALLOWED | self.allowed_extra)
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            names.add(key)
            widgets = getattr(field.widget, "widgets", None)
            if widgets:
                names.update(f"{key}_{i}" for i in range(len(widgets)))
        return names

    def unexpected_names(self) -> list[str]:
        """Posted names the form does not have. Forms with dynamic field names may narrow this."""
        return sorted(set(self.data.keys()) - self._expected_names()) if self.is_bound else []

    def clean(self):
        data = super().clean()
        unexpected = self.unexpected_names()
        if unexpected:
            raise forms.ValidationError(
                "The form was sent with fields it does not have: "
                + ", ".join(unexpected[:5])
                + ". Nothing has been saved.",
                code="unexpected_fields",
            )
        return data


TIME_PATTERN = r"^([01]?\d|2[0-3]):[0-5]\d$"


def time_field(label: str, required: bool = True) -> forms.RegexField:
    """A 24-hour time typed as HH:MM, paired with a DateInputField for the day."""
    return forms.RegexField(
        regex=TIME_PATTERN,
        required=required,
        label=label,
        error_messages={
            "invalid": "Enter a time like 09:30 or 14:30.",
            "required": "Enter the time, like 09:30 or 14:30.",
        },
    )


def local_moment(day, hhmm: str):
    """An aware datetime from a date and an HH:MM typed in the UK (Europe/London)."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    if not day or not hhmm:
        return None
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo("Europe/London"))
