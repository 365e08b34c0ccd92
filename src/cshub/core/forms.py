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
