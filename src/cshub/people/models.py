"""People (one golden record per human), their identifiers, factors, flags and relationships;
cases and their allocation to teams and workers."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cshub.core import identifiers
from cshub.core.models import BaseModel
from cshub.core.vocab import (
    AllocationRole,
    CaseLevel,
    CaseStatus,
    DatePrecision,
    Ethnicity,
    FlagStatus,
    HarmType,
    IdentifierScheme,
    InformationSource,
    RelationshipKind,
    Sex,
    VulnerabilityFactor,
)

CHILD_AGE_LIMIT = 18
YOUNG_ADULT_AGE_LIMIT = 25  # the partnership works with young adults up to 25


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def born_by(on: date, age: int) -> date:
    """The latest birthday of someone `age` or older on `on` (`age_on(born, on) >= age` exactly
    when `born <= born_by(on, age)`): for filtering ages in the database. A 29 February `on`
    gives the 28th in a year that has none."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:
        return on.replace(year=on.year - age, day=28)


class Person(BaseModel):
    """One human, whatever their part: child, young adult, parent/carer, peer, adult of concern."""

    given_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.EXACT
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(
        max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOT_OBTAINED
    )
    school = models.ForeignKey(
        "contexts.Place",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pupils",
        limit_choices_to={"kind": "school"},
    )
    is_restricted = models.BooleanField(
        "sealed",
        default=False,
        help_text="Sealed: only named users see it; it is hidden from everyone else's search",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Set when this record was merged into another (a retired duplicate): "
        "everything it held moved there; splitting the merge moves it back",
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(date_of_birth__isnull=True, date_of_birth_precision=DatePrecision.UNKNOWN)
                    | (
                        Q(date_of_birth__isnull=False)
                        & ~Q(date_of_birth_precision=DatePrecision.UNKNOWN)
                    )
                ),
                name="person_dob_precision_matches_dob",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    def age(self, on: date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, on or timezone.localdate())

    @property
    def is_child(self) -> bool:
        age = self.age()
        return age is not None and age < CHILD_AGE_LIMIT

    def clean(self) -> None:
        if self.date_of_birth is None:
            self.date_of_birth_precision = DatePrecision.UNKNOWN
        elif self.date_of_birth_precision == DatePrecision.UNKNOWN:
            raise ValidationError({"date_of_birth_precision": "Say how sure the date of birth is."})
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "Date of birth must be today or in the past."})
        if self.date_of_birth and self.date_of_birth.year < 1900:
            raise ValidationError({"date_of_birth": "Date of birth must be after 1900."})


class Alias(models.Model):
    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        PREVIOUS = "previous", "Previous name"
        NICKNAME = "nickname", "Nickname"
        STREET = "street", "Street name"
        ONLINE = "online", "Online name or handle"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name_plural = "aliases"
        constraints = [
            models.CheckConstraint(
                condition=~Q(given_name="") | ~Q(family_name=""), name="alias_has_a_name"
            )
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField("Address line 1", max_length=200)
    line2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    ward = models.ForeignKey("core.Ward", null=True, blank=True, on_delete=models.PROTECT)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = [F("moved_out").desc(nulls_first=True), F("moved_in").desc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True)
                | Q(moved_in__isnull=True)
                | Q(moved_out__gte=F("moved_in")),
                name="address_moved_out_after_moved_in",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)

    @property
    def is_current(self) -> bool:
        return self.moved_out is None


class Identifier(models.Model):
    """An id a partner system holds for this person. One scheme+value belongs to one person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=30)

    class Meta:
        ordering = ["scheme"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique_per_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"

    def clean(self) -> None:
        try:
            self.value = identifiers.normalise(self.scheme, self.value)
        except identifiers.InvalidIdentifier as exc:
            raise ValidationError({"value": str(exc)}) from exc


class Vulnerability(models.Model):
    """A vulnerability factor known about a person (the Jay Review list and more)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vulnerabilities")
    factor = models.CharField(max_length=30, choices=VulnerabilityFactor.choices)
    identified_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "vulnerabilities"
        ordering = ["factor"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "factor"],
                condition=Q(ended_on__isnull=True),
                name="vulnerability_one_current_per_factor",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("identified_on")),
                name="vulnerability_ends_after_identified",
            ),
        ]

    def __str__(self) -> str:
        return self.get_factor_display()


class Flag(models.Model):
    """At risk of, or subject to, a harm: who raised it, when, why, and when to review it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)
    status = models.CharField(max_length=12, choices=FlagStatus.choices)
    reason = models.TextField()
    raised_on = models.DateField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["closed_on", "-raised_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__gte=F("raised_on")), name="flag_review_after_raised"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                name="flag_closed_after_raised",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.get_harm_type_display().lower()}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Relationship(models.Model):
    """A tie between two people, as one agency knows it. Read both ways on each profile."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_out")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_in")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    detail = models.CharField(max_length=100, blank=True, help_text="e.g. mother, older brother")
    source = models.CharField(max_length=20, choices=InformationSource.choices)
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("other")), name="relationship_between_two_people"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="relationship_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display().lower()} — {self.other}"


class Case(BaseModel):
    """A person's involvement with the partnership. Need-to-know hangs on its allocations."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=20, unique=True)
    level = models.CharField(max_length=20, choices=CaseLevel.choices)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=(Q(status=CaseStatus.OPEN) & Q(closed_on__isnull=True))
                | (Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=False)),
                name="case_closed_date_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors = {}
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            errors["closed_on"] = "The close date must be on or after the open date."
        if self.opened_on and self.opened_on > timezone.localdate():
            errors["opened_on"] = "The open date cannot be in the future."
        person = self.person if self.person_id else None
        if person and person.date_of_birth and self.opened_on:
            age = age_on(person.date_of_birth, self.opened_on)
            if age > YOUNG_ADULT_AGE_LIMIT:
                errors["person"] = (
                    f"{person.full_name} was {age} when this case opened: cases are for children "
                    f"and young adults up to {YOUNG_ADULT_AGE_LIMIT}."
                )
            if self.opened_on < person.date_of_birth:
                errors["opened_on"] = "The case cannot open before the person was born."
        if errors:
            raise ValidationError(errors)

    @property
    def harm_types(self) -> list[str]:
        return [h.get_harm_type_display() for h in self.harms.all()]


class CaseHarm(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="harms")
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)

    class Meta:
        ordering = ["harm_type"]
        constraints = [models.UniqueConstraint(fields=["case", "harm_type"], name="case_harm_once")]

    def __str__(self) -> str:
        return self.get_harm_type_display()


class Allocation(models.Model):
    """A case allocated to a team, and usually to a named worker in it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    role = models.CharField(max_length=12, choices=AllocationRole.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["ended_on", "role", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="allocation_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["case", "team"],
                condition=Q(ended_on__isnull=True),
                name="allocation_one_current_per_team",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_on__isnull=True, role=AllocationRole.LEAD),
                name="allocation_one_current_lead",
            ),
        ]
        indexes = [models.Index(fields=["team", "ended_on"]), models.Index(fields=["worker"])]

    def __str__(self) -> str:
        who = f", {self.worker}" if self.worker_id else ""
        return f"{self.case} → {self.team.name}{who}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class PersonMerge(BaseModel):
    """Two records found to be one person: everything `absorbed` held moved to `kept`.

    `moved` is the ledger that makes the merge undoable: every row that was repointed, as
    {"model": "app_label.ModelName", "field": "person", "pk": "..."}. `left` lists rows that could
    not move because `kept` already holds the same fact (e.g. both records named on one contact,
    or a relationship between the two records): they stay on the retired record, unchanged.
    `absorbed_state` holds the fields the merge changed on the records themselves, so a split
    restores them exactly.
    """

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    moved = models.JSONField(default=list, blank=True)
    left = models.JSONField(default=list, blank=True)
    absorbed_state = models.JSONField(default=dict, blank=True)
    split_at = models.DateTimeField(null=True, blank=True)
    split_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    split_reason = models.TextField(blank=True)
    split_report = models.JSONField(
        default=dict, blank=True, help_text="What a split moved back, and what had changed since."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kept=F("absorbed")), name="person_merge_two_records"
            ),
            models.UniqueConstraint(
                fields=["absorbed"],
                condition=Q(split_at__isnull=True),
                name="person_merge_absorbed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absorbed} merged into {self.kept}"

    @property
    def is_split(self) -> bool:
        return self.split_at is not None
