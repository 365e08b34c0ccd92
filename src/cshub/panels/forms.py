from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field, Fieldset, Size
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from cshub.accounts.models import Agency
from cshub.core.forms import StrictForm, gds_helper, local_moment, time_field
from cshub.core.vocab import FourP, HarmType

from . import rules
from .choices import (
    ActionStatus,
    Attendance,
    HackettLevel,
    HsbRole,
    InterventionKind,
    PanelKind,
)
from .models import Panel


class _Form(StrictForm):
    allowed_extra = frozenset({"save"})


def _active_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__ended_on__isnull=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} – {obj.job_title}".rstrip(" –")


class _UsersChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} – {obj.job_title}".rstrip(" –")


class MeetingForm(_Form):
    panel = forms.ModelChoiceField(queryset=Panel.objects.filter(is_active=True), empty_label=None)
    starts_on = DateInputField(label="Date of the meeting")
    starts_time = time_field("Start time (24-hour, e.g. 09:30)")
    location = forms.CharField(required=False, max_length=200, label="Where (or how) it meets")
    chair = _UserChoice(queryset=_active_users(), empty_label=None)
    invitees = _UsersChoice(
        queryset=_active_users(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who is invited",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].help_text = (
            "The chair is invited too. Invitees see the people on the agenda once it is "
            f"published, until {settings.CSHUB_PANEL_ACCESS_DAYS} days after the meeting."
        )
        self.helper = gds_helper(
            Field.select("panel"),
            Field("starts_on"),
            Field.text("starts_time", field_width=5),
            Field.text("location"),
            Field.select("chair"),
            Field.checkboxes("invitees", legend_size=Size.SMALL, small=True),
            Button("save", "Create the meeting"),
        )

    def clean(self):
        data = super().clean()
        data["starts_at"] = local_moment(data.get("starts_on"), data.get("starts_time"))
        return data


class InviteeForm(_Form):
    user = _UserChoice(queryset=_active_users(), label="Invite", empty_label=None)


class ItemForm(_Form):
    """Add to the agenda: a waiting referral, a child whose review is due, a place or a group."""

    subject_kind = forms.ChoiceField(
        choices=[
            ("referral", "referral"),
            ("review", "review"),
            ("place", "place"),
            ("group", "group"),
        ]
    )
    subject_id = forms.UUIDField()
    purpose = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttendanceForm(_Form):
    def __init__(self, *args, invitees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invitees = list(invitees)
        for inv in self.invitees:
            self.fields[f"attendance_{inv.pk}"] = forms.ChoiceField(
                choices=[c for c in Attendance.choices if c[0] != Attendance.INVITED],
                widget=forms.RadioSelect,
                label=f"{inv.user.get_full_name() or inv.user.username} ({inv.agency.name})",
                initial=None if inv.attendance == Attendance.INVITED else inv.attendance,
            )
        self.helper = gds_helper(
            *[
                Field.radios(name, legend_size=Size.SMALL, inline=True)
                for name in self.fields
                if name.startswith("attendance_")
            ],
            Button("save", "Save attendance"),
        )

    def attendance(self) -> dict[int, str]:
        return {inv.pk: self.cleaned_data[f"attendance_{inv.pk}"] for inv in self.invitees}


class MinutesForm(_Form):
    """Structured minutes for one item and, when it is about a child, the panel's risk judgement
    for each harm type it considered (leave a harm "Not judged" to skip it)."""

    information_shared = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Information shared"
    )
    discussion = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Discussion"
    )
    decision = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Decision")

    def __init__(self, *args, judge_child: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.textarea("information_shared"), Field.textarea("discussion")]
        layout.append(Field.textarea("decision"))
        self.harms = list(HarmType.choices) if judge_child else []
        levels = [("", "Not judged")] + rules.risk_levels()
        for code, label in self.harms:
            self.fields[f"level_{code}"] = forms.ChoiceField(
                choices=levels, required=False, label=f"{label}: risk level"
            )
            self.fields[f"rationale_{code}"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Rationale"
            )
            self.fields[f"child_voice_{code}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label="The child's voice",
                help_text="What the child says about this, in their words, or why it could not be "
                "heard.",
            )
            layout.append(
                Fieldset(
                    Field.select(f"level_{code}"),
                    Field.textarea(f"rationale_{code}"),
                    Field.textarea(f"child_voice_{code}"),
                    legend=label,
                    legend_size=Size.SMALL,
                )
            )
        layout.append(Button("save", "Save the minutes"))
        self.helper = gds_helper(*layout)

    def judgements(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {
                "harm_type": code,
                "level": d.get(f"level_{code}", ""),
                "rationale": d.get(f"rationale_{code}", ""),
                "child_voice": d.get(f"child_voice_{code}", ""),
            }
            for code, _ in self.harms
            if d.get(f"level_{code}")
        ]


class ActionForm(_Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Action")
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"), label="Owning agency", empty_label=None
    )
    owner_user = _UserChoice(
        queryset=_active_users(),
        required=False,
        label="Owner (optional)",
        empty_label="No one named",
    )
    due_on = DateInputField(label="Due")
    four_p = forms.ChoiceField(
        choices=FourP.choices, widget=forms.RadioSelect, label="4 P category"
    )

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner_user"].queryset = owners
        self.helper = gds_helper(
            Field.textarea("description"),
            Field.select("owner_agency"),
            Field.select("owner_user"),
            Field("due_on"),
            Field.radios("four_p", legend_size=Size.SMALL, inline=True),
            Button("save", "Add the action"),
        )


class ActionUpdateForm(_Form):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    update = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Progress"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            Field.textarea("update"),
            Button("save", "Save"),
        )


class ReferralForm(_Form):
    panel_kind = forms.ChoiceField(
        choices=PanelKind.choices, widget=forms.RadioSelect, label="Which panel"
    )
    referring_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Referring agency", empty_label=None
    )
    route = forms.ChoiceField(label="What the referral comes from", widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="Why the panel should consider this"
    )
    referred_on = DateInputField(label="Date of the referral")

    def __init__(self, *args, agencies=None, contacts=(), assessments=(), manager=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_agency"].queryset = agencies
        routes = [
            (
                f"contact:{c.pk}",
                f"Front Door decision on contact {c.reference}: {c.decision.get_outcome_display()}",
            )
            for c in contacts
        ]
        routes += [
            (
                f"assessment:{a.pk}",
                f"{a.get_kind_display()} assessment started {a.started_on:%d %b %Y}",
            )
            for a in assessments
        ]
        if manager:
            routes.append(("manager", "My decision as a manager"))
        routes.append(("partner", "A partner agency's referral (not children's social care)"))
        self.fields["route"].choices = routes
        if not self.is_bound:
            self.initial.setdefault("referred_on", timezone.localdate())
        self.helper = gds_helper(
            Field.radios("panel_kind", legend_size=Size.SMALL),
            Field.select("referring_agency"),
            Field.radios("route", legend_size=Size.SMALL),
            Field.textarea("reason"),
            Field("referred_on"),
            Button("save", "Refer"),
        )


class DeclineForm(_Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why not to panel")


class HsbIncidentForm(_Form):
    occurred_on = DateInputField(label="When it happened")
    hackett_level = forms.ChoiceField(
        choices=HackettLevel.choices,
        widget=forms.RadioSelect,
        label="Where the behaviour sits on the Hackett continuum",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="What happened")
    referral = forms.ChoiceField(required=False, label="HSB panel referral")

    def __init__(self, *args, child=None, others=(), referrals=(), **kwargs):
        super().__init__(*args, **kwargs)
        roles = [("", "Not involved")] + list(HsbRole.choices)
        self.people = [child, *others]
        self.fields["referral"].choices = [("", "None")] + [
            (str(r.pk), f"{r.referred_on:%d %b %Y}: {r.reason[:60]}") for r in referrals
        ]
        layout = [
            Field("occurred_on"),
            Field.radios("hackett_level", legend_size=Size.SMALL),
            Field.textarea("description"),
        ]
        for n, person in enumerate(self.people):
            name = f"role_{person.pk}"
            self.fields[name] = forms.ChoiceField(
                choices=roles[1:] if n == 0 else roles,
                required=n == 0,
                label=f"{person.full_name}: role in this incident",
            )
            layout.append(Field.select(name))
        layout += [Field.select("referral"), Button("save", "Record the incident")]
        self.helper = gds_helper(*layout)

    def children(self) -> list[tuple]:
        return [
            (p, self.cleaned_data[f"role_{p.pk}"])
            for p in self.people
            if self.cleaned_data.get(f"role_{p.pk}")
        ]


class InterventionForm(_Form):
    kind = forms.ChoiceField(choices=InterventionKind.choices, label="Intervention")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), empty_label=None)
    started_on = DateInputField(label="Started")
    ended_on = DateInputField(label="Ended (if it has)", required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.helper = gds_helper(
            Field.select("kind"),
            Field.select("agency"),
            Field("started_on"),
            Field("ended_on"),
            Field.textarea("notes"),
            Button("save", "Record the intervention"),
        )
