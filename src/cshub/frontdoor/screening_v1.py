"""Version 1 of the child-exploitation screening tool, as loaded by migration 0002.

Weights: 1 a concern, 2 a strong concern, 3 a red flag (see docs/screening.md). Kept here as the
record of what version 1 was; later versions live only in the database (edited as data, by an
administrator, through the admin's "copy as a new version").
"""

INDICATORS = [
    # (theme, code, text, weight)
    ("missing", "missing_episodes", "Has gone missing from home, care or school", 2),
    (
        "missing",
        "found_out_of_area",
        "Found or stopped in another town or area with no reason to be there",
        3,
    ),
    ("missing", "late_nights", "Out late or overnight without explanation", 1),
    (
        "money",
        "unexplained_money",
        "Has money, clothes, phones or other items they cannot account for",
        2,
    ),
    ("money", "multiple_phones", "Has more than one phone or frequently changes number", 2),
    ("money", "debt_bondage", "Owes money or goods to someone, or says they must 'work it off'", 3),
    (
        "associates",
        "older_associates",
        "Associates with older young people or adults who cause concern",
        2,
    ),
    (
        "associates",
        "controlling_relationship",
        "In a relationship with someone older or controlling",
        2,
    ),
    ("associates", "new_friends", "New friendship group, dropped old friends", 1),
    ("associates", "gang_association", "Known or thought to associate with a gang or drug line", 3),
    ("substances_weapons", "substance_use", "Uses alcohol or drugs", 1),
    (
        "substances_weapons",
        "drugs_found",
        "Found with drugs in amounts or wraps suggesting supply",
        3,
    ),
    ("substances_weapons", "weapon", "Carries, or has been found with, a weapon", 3),
    ("education", "absence", "Persistent absence or a sudden drop in attendance", 1),
    ("education", "exclusion", "Excluded, or at risk of exclusion, from school", 2),
    ("education", "attainment_drop", "Sudden drop in engagement or attainment", 1),
    ("health", "injuries", "Unexplained injuries, or refuses to explain them", 2),
    ("health", "sexual_health", "Sexual health concerns, pregnancy or repeated STI testing", 2),
    ("health", "self_harm", "Self-harm or suicidal thoughts", 2),
    ("online", "online_contact", "Contact online with unknown adults or much older people", 2),
    ("online", "sharing_images", "Sharing or being asked for sexual images", 3),
    ("online", "online_grooming", "Gifts, money or promises offered online", 2),
    ("behaviour", "secretive", "Secretive about where they go and who with", 1),
    ("behaviour", "aggression", "New aggression, fear or anxiety", 1),
    ("behaviour", "offending", "Arrested or involved in offending, especially with others", 2),
    (
        "places",
        "hotspot_location",
        "Seen at places known for exploitation (hotspots, trap houses)",
        2,
    ),
    (
        "places",
        "hotels_short_lets",
        "Seen at hotels, short-lets or addresses of adults of concern",
        3,
    ),
]
