"""The Front Door's vocabularies: channels, consent, states, screening answers, decisions."""

from django.db import models


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    PARTNER_PORTAL = "portal", "Partner portal (raised in cshub)"
    POLICE_NOTIFICATION = "police", "Police notification"


class Consent(models.TextChoices):
    GIVEN = "given", "Consent given"
    NOT_SOUGHT = "not_sought", "Not sought: seeking it would increase the risk"
    OVERRIDDEN = "overridden", "Refused, but overridden"


class ContactState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_TRIAGE = "in_triage", "In triage"
    DECIDED = "decided", "Decided"


class SubjectRole(models.TextChoices):
    CHILD = "child", "Child the concern is about"
    PEER = "peer", "Peer"
    ADULT_OF_CONCERN = "adult_of_concern", "Adult of concern"
    PARENT_CARER = "parent_carer", "Parent or carer"


class Theme(models.TextChoices):
    MISSING = "missing", "Missing"
    MONEY = "money", "Money and possessions"
    ASSOCIATES = "associates", "Associates and relationships"
    SUBSTANCES_WEAPONS = "substances_weapons", "Substances and weapons"
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health and injuries"
    ONLINE = "online", "Online"
    BEHAVIOUR = "behaviour", "Behaviour change"
    PLACES = "places", "Places"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class Basis(models.TextChoices):
    """What a 'yes' rests on."""

    INFORMATION = "information", "Information"
    INTELLIGENCE = "intelligence", "Intelligence"
    DISCLOSURE = "disclosure", "Disclosure"


class ConcernLevel(models.TextChoices):
    NONE = "none", "No concern"
    LOW = "low", "Low concern"
    MEDIUM = "medium", "Medium concern"
    HIGH = "high", "High concern"


CONCERN_ORDER = [ConcernLevel.NONE, ConcernLevel.LOW, ConcernLevel.MEDIUM, ConcernLevel.HIGH]


class Outcome(models.TextChoices):
    """Where the Front Door routes a contact."""

    ADVICE_NFA = "advice_nfa", "Advice and signposting / no further action"
    UNIVERSAL = "universal", "Universal services"
    EARLY_HELP = "early_help", "Early help"
    ASSESSMENT = "assessment", "Social care assessment"
    STRATEGY_DISCUSSION = "strategy", "Strategy discussion"
    SPECIALIST = "specialist", "Referral to the specialist exploitation team"
    HSB_PATHWAY = "hsb", "HSB pathway"
    MACE = "mace", "MACE referral"


class NrmConsideration(models.TextChoices):
    REFERRAL_TO_FOLLOW = "referral", "An NRM referral will be made"
    ALREADY_REFERRED = "already", "Already referred to the NRM"
    NOT_APPROPRIATE = "not_appropriate", "Considered: not appropriate now (say why)"
