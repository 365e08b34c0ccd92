"""The partnership's controlled vocabularies, defined once.

Every harm type, role, category and code the application stores is an enumeration here (or in
the app that owns it), never a string scattered through the code. `docs/glossary.md` spells out
the abbreviations.
"""

from django.db import models


class AgencyKind(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
    EARLY_HELP = "early_help", "Early help"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    POLICE = "police", "Police"
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class TeamFunction(models.TextChoices):
    """What a team does in the partnership; the access model (issue 3) keys scopes on it."""

    FRONT_DOOR = "front_door", "Integrated Front Door"
    ASSESSMENT = "assessment", "Assessment"
    CYPF = "cypf", "Children, young people and families (CYPF)"
    SPECIALIST = "specialist", "Specialist multi-agency exploitation team"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    POLICE_EXPLOITATION = "police_exploitation", "Police exploitation team"
    HSB_SERVICE = "hsb_service", "Harmful sexual behaviour (HSB) service"
    EARLY_HELP = "early_help", "Early help"
    SCHOOL = "school", "School"
    HEALTH = "health", "Health"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    ANALYST = "analyst", "Analyst"
    INTELLIGENCE_OFFICER = "intelligence_officer", "Intelligence officer"
    DATA_STEWARD = "data_steward", "Data steward"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    ADMINISTRATOR = "administrator", "Administrator"


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    NOT_KNOWN = "U", "Not known"


class DatePrecision(models.TextChoices):
    """How much of a recorded date of birth is known."""

    EXACT = "exact", "Exact"
    MONTH = "month", "Month and year known"
    YEAR = "year", "Year known"
    ESTIMATED = "estimated", "Estimated"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """The 19 ethnic groups of the 2021 Census (ONS), with DfE-style codes, plus not known."""

    WHITE_BRITISH = "WBRI", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "WIRI", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "WIRT", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "WROM", "White: Roma"
    WHITE_OTHER = "WOTH", "White: Any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "MWBC", "Mixed: White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "MWBA", "Mixed: White and Black African"
    MIXED_WHITE_ASIAN = "MWAS", "Mixed: White and Asian"
    MIXED_OTHER = "MOTH", "Mixed: Any other Mixed or multiple ethnic background"
    ASIAN_INDIAN = "AIND", "Asian: Indian"
    ASIAN_PAKISTANI = "APKN", "Asian: Pakistani"
    ASIAN_BANGLADESHI = "ABAN", "Asian: Bangladeshi"
    ASIAN_CHINESE = "CHNE", "Asian: Chinese"
    ASIAN_OTHER = "AOTH", "Asian: Any other Asian background"
    BLACK_AFRICAN = "BAFR", "Black: African"
    BLACK_CARIBBEAN = "BCRB", "Black: Caribbean"
    BLACK_OTHER = "BOTH", "Black: Any other Black, Black British or Caribbean background"
    OTHER_ARAB = "OARB", "Other ethnic group: Arab"
    OTHER = "OOTH", "Other ethnic group: Any other ethnic group"
    REFUSED = "REFU", "Refused"
    NOT_OBTAINED = "NOBT", "Information not yet obtained"


class HarmType(models.TextChoices):
    """Harm outside the home, as the strategy names it (section 3), plus NRM-related harms."""

    CCE = "cce", "Child criminal exploitation"
    CSE = "cse", "Child sexual exploitation"
    HSB = "hsb", "Harmful sexual behaviour"
    MISSING = "missing", "Missing"
    SYV = "syv", "Serious youth violence"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    RADICALISATION = "radicalisation", "Radicalisation"


class FlagStatus(models.TextChoices):
    AT_RISK = "at_risk", "At risk of"
    SUBJECT_TO = "subject_to", "Subject to"


class VulnerabilityFactor(models.TextChoices):
    """The Jay Review's risk factors (strategy, section 2), then common additions."""

    YOUTH_JUSTICE_CONTACT = "youth_justice_contact", "Previous contact with youth justice services"
    CIN_OR_CARE = "cin_or_care", "Child in need or care experienced"
    POOR_MENTAL_HEALTH = "poor_mental_health", "Experiencing poor mental health"
    SEND = "send", "Special educational need or disability (SEND), including ASD/ADHD"
    SUBSTANCE_MISUSE = "substance_misuse", "Alcohol or substance misuse"
    ACES = "aces", "History of adverse childhood experiences (ACEs)"
    POVERTY_HOMELESSNESS = "poverty_homelessness", "Living in poverty or homelessness"
    EXCLUDED = "excluded", "Exclusion from mainstream education"
    IMMIGRATION_STATUS = "immigration_status", "Unsettled immigration status in the UK"
    STATUS_BELONGING = "status_belonging", "Perceived sense of status, belonging or protection"
    PERSISTENT_ABSENCE = "persistent_absence", "Persistent absence from school"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse in the home"
    BEREAVEMENT = "bereavement", "Bereavement or loss"
    YOUNG_CARER = "young_carer", "Young carer"


JAY_REVIEW_FACTORS = [
    VulnerabilityFactor.YOUTH_JUSTICE_CONTACT,
    VulnerabilityFactor.CIN_OR_CARE,
    VulnerabilityFactor.POOR_MENTAL_HEALTH,
    VulnerabilityFactor.SEND,
    VulnerabilityFactor.SUBSTANCE_MISUSE,
    VulnerabilityFactor.ACES,
    VulnerabilityFactor.POVERTY_HOMELESSNESS,
    VulnerabilityFactor.EXCLUDED,
    VulnerabilityFactor.IMMIGRATION_STATUS,
    VulnerabilityFactor.STATUS_BELONGING,
]


class IdentifierScheme(models.TextChoices):
    NHS_NUMBER = "nhs", "NHS number"
    UPN = "upn", "Unique Pupil Number (UPN)"
    MOSAIC_ID = "mosaic", "Social care id (Mosaic/LCS)"
    SYNERGY_ID = "synergy", "Education id (Synergy)"
    POLICE_NOMINAL_ID = "police_nominal", "Police nominal id"
    PNC_ID = "pnc", "Police National Computer (PNC) id"
    YOUTH_JUSTICE_ID = "yjs", "Youth justice id"


class RelationshipKind(models.TextChoices):
    FAMILY = "family", "Family"
    PEER = "peer", "Peer"
    INTIMATE_PARTNER = "partner", "Boyfriend, girlfriend or partner"
    ASSOCIATE = "associate", "Associate"
    ADULT_OF_CONCERN = "adult_of_concern", "Adult of concern"


class InformationSource(models.TextChoices):
    """What a piece of information rests on (used on associations and relationships)."""

    INFORMATION = "information", "Information"
    INTELLIGENCE = "intelligence", "Intelligence"
    DISCLOSURE = "disclosure", "Disclosure"
    OBSERVATION = "observation", "Professional observation"
    RECORD = "record", "Agency record"


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    PROBABLE = "probable", "Probable"
    POSSIBLE = "possible", "Possible"


class PlaceKind(models.TextChoices):
    SCHOOL = "school", "School or college"
    PARK = "park", "Park or open space"
    SHOP = "shop", "Shop"
    TAKEAWAY = "takeaway", "Takeaway or café"
    TRANSPORT = "transport", "Transport hub"
    LICENSED = "licensed", "Licensed premises"
    HOTEL = "hotel", "Hotel or short-let"
    YOUTH_CLUB = "youth_club", "Youth club or leisure centre"
    RESIDENTIAL = "residential", "Residential address"
    CARE_HOME = "care_home", "Children's home"
    STREET = "street", "Street or alley"
    OTHER = "other", "Other"


class GroupKind(models.TextChoices):
    PEER_GROUP = "peer_group", "Peer group"
    ONLINE_GROUP = "online_group", "Online group"


class PlaceAssociationKind(models.TextChoices):
    FREQUENTS = "frequents", "Frequents"
    SEEN_AT = "seen_at", "Seen at"
    FOUND_AT = "found_at", "Found at (after missing)"
    INCIDENT = "incident", "Incident location"
    LIVES_AT = "lives_at", "Lives at"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CaseLevel(models.TextChoices):
    """The service level a case sits at, on the graduated response."""

    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "cin", "Child in need"
    CHILD_PROTECTION = "cp", "Child protection"
    CHILD_LOOKED_AFTER = "cla", "Child looked after"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    EXPLOITATION = "exploitation", "Exploitation (specialist team)"


class AllocationRole(models.TextChoices):
    LEAD = "lead", "Lead"
    SUPPORTING = "supporting", "Supporting"


class RiskLevel(models.TextChoices):
    """A judgement of risk for one harm type (assessments; panels reuse it for risk judgements).
    In order, lowest first: compare with `RISK_ORDER`."""

    NO = "no", "No risk identified"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_ORDER = {level: rank for rank, level in enumerate(RiskLevel.values)}


class FourP(models.TextChoices):
    """The 4 P plan categories for tackling exploitation (panels' actions, disruption)."""

    PREVENT = "prevent", "Prevent"
    PURSUE = "pursue", "Pursue"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


# Age bands for counting children, as (label, youngest age in the band), at a given day. The KPI
# breakdowns and the child population table use the same ones; "18+" is for care leavers and
# others counted by some KPIs, and has no child population.
AGE_BANDS = (("Under 10", 0), ("10 to 13", 10), ("14 to 15", 14), ("16 to 17", 16), ("18+", 18))
CHILD_AGE_BANDS = tuple(label for label, youngest in AGE_BANDS if youngest < 18)
