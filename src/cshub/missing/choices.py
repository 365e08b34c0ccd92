"""The missing pathway's vocabularies: episode types as SSDA903 records them, the police's risk
grading (College of Policing APP on missing persons, 2021), and what a Return Home Interview asks.
"""

from django.db import models

POLICE_RISK_SCHEME = "College of Policing APP Missing Persons (2021)"


class EpisodeType(models.TextChoices):
    """SSDA903 `M` and `A`. The partnership counts both; an 'away' child is safe-located but not
    where they should be."""

    MISSING = "M", "Missing"
    AWAY = "A", "Away from placement without authorisation"


class MissingFrom(models.TextChoices):
    HOME = "home", "Home"
    CARE_PLACEMENT = "care_placement", "Care placement"
    SCHOOL = "school", "School"
    OTHER = "other", "Other"


class PlacementType(models.TextChoices):
    """Where a child in care lives (grouped from the SSDA903 placement codes)."""

    FOSTER = "foster", "Foster placement (U1–U6)"
    CHILDRENS_HOME = "childrens_home", "Children's home (K2)"
    SECURE_UNIT = "secure_unit", "Secure children's home (K1)"
    SUPPORTED = "supported", "Supported accommodation (H5)"
    PLACED_WITH_PARENTS = "with_parents", "Placed with parents (P1)"
    RESIDENTIAL_SCHOOL = "residential_school", "Residential school (S1)"
    OTHER = "other", "Other placement"


class PoliceRisk(models.TextChoices):
    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ReturnMethod(models.TextChoices):
    RETURNED_THEMSELVES = "returned", "Returned of their own accord"
    FOUND_BY_POLICE = "police", "Found by the police"
    RETURNED_BY_FAMILY = "family", "Found or brought back by family or carers"
    FOUND_BY_PROFESSIONAL = "professional", "Found by a professional"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    API = "api", "Police system (API)"
    IMPORT = "import", "Bulk import"
    WEB = "web", "Recorded in cshub"


class RhiResponse(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class NotOfferedReason(models.TextChoices):
    CUSTODY = "custody", "Child in custody or a secure setting"
    OUT_OF_AREA = "out_of_area", "Child placed or living out of area (that area offers it)"
    OVERLAPPING = "overlapping", "Covered by the interview for an overlapping episode"
    AGED_OUT = "aged_out", "Young person now 18 or over"
    OTHER = "other", "Other (give the reason)"


class PushFactor(models.TextChoices):
    CONFLICT_AT_HOME = "conflict_home", "Conflict or arguments at home or placement"
    ABUSE_AT_HOME = "abuse_home", "Abuse or neglect at home"
    PLACEMENT_UNHAPPY = "placement", "Unhappy in placement"
    SCHOOL = "school", "Problems at school, exclusion"
    BULLYING = "bullying", "Bullying"
    RULES = "rules", "Boundaries, curfews, rules"
    MENTAL_HEALTH = "mental_health", "Feeling low, anxious or overwhelmed"
    OTHER = "other", "Other"


class PullFactor(models.TextChoices):
    FRIENDS = "friends", "Friends or peers"
    PARTNER = "partner", "Boyfriend, girlfriend or partner"
    ADULTS_GIFTS = "adults_gifts", "Adults offering money, gifts, lifts or a place to stay"
    SUBSTANCES = "substances", "Drugs or alcohol"
    FAMILY = "family", "Family or former carers elsewhere"
    PARTIES = "parties", "Parties or gatherings"
    ONLINE = "online", "Someone met online"
    OTHER = "other", "Other"


class Substance(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol"
    CANNABIS = "cannabis", "Cannabis"
    COCAINE = "cocaine", "Cocaine or crack"
    KETAMINE = "ketamine", "Ketamine"
    NITROUS_OXIDE = "nitrous_oxide", "Nitrous oxide"
    PRESCRIPTION = "prescription", "Someone else's prescription drugs"
    OTHER = "other", "Other"
