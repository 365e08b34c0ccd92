"""One way to lay out a form with GOV.UK components, used by every app's forms."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout


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
