import re

import django_otp
from crispy_forms_gds.layout import Button, Field
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from cshub.core.forms import gds_helper


class SignInForm(AuthenticationForm):
    """Django's standard username/password form, laid out with GOV.UK components.

    An unknown username, a wrong password and a disabled account all get the same message
    (Django's `invalid_login`), and Django's ModelBackend runs the password hasher for unknown
    usernames too, so the answer takes about as long either way.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        self.helper = gds_helper(
            Field.text("username", field_width=20),
            Field("password"),
            Button("submit", "Sign in"),
        )


class TOTPCodeForm(forms.Form):
    """The 6-digit code from an authenticator app, checked against one device.

    django-otp refuses a code whose time step is not later than the last one accepted (so a code
    works once), and slows down guessing: after each wrong code the device refuses all codes for
    1, 2, 4, 8... seconds.
    """

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the 6-digit security code from your authenticator app"},
    )

    def __init__(self, *args, user, device, submit_label="Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        self.helper = gds_helper(
            Field.text(
                "code",
                field_width=5,
                inputmode="numeric",
                autocomplete="one-time-code",
                spellcheck="false",
            ),
            Button("submit", submit_label),
        )

    def clean_code(self):
        code = re.sub(r"[\s-]+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the 6-digit security code, like 123456")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "You have entered too many wrong codes. Wait a minute, then try the code your "
                "app shows then"
            )
        if django_otp.verify_token(self.user, self.device.persistent_id, code) is None:
            raise forms.ValidationError(
                "The security code is wrong or has been used already. Enter the code your app "
                "shows now"
            )
        return code
