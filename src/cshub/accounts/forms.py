from crispy_forms_gds.layout import Button, Field
from django.contrib.auth.forms import AuthenticationForm

from cshub.core.forms import gds_helper


class SignInForm(AuthenticationForm):
    """Django's standard username/password form, laid out with GOV.UK components."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        self.helper = gds_helper(
            Field.text("username", field_width=20),
            Field("password"),
            Button("submit", "Sign in"),
        )
