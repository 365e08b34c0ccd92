"""Common English given-name nicknames, for linkage: each nickname maps to its root name, so
"Bill" and "William" compare as the same name. Generic knowledge, not data about anyone.

A name that is the root of one group and a nickname in another keeps its root (e.g. "Alex").
"""

from __future__ import annotations

_GROUPS = {
    "william": "bill billy will willy liam",
    "robert": "bob bobby rob robbie bert",
    "richard": "rich richie rick ricky dick",
    "james": "jim jimmy jamie",
    "john": "jack johnny jon",
    "thomas": "tom tommy",
    "joseph": "joe joey",
    "daniel": "dan danny",
    "michael": "mike mikey mick micky",
    "christopher": "chris kit",
    "matthew": "matt matty",
    "anthony": "tony ant",
    "alexander": "alex al sandy xander",
    "alexandra": "alex lexi sasha sandra",
    "benjamin": "ben benny benji",
    "samuel": "sam sammy",
    "samantha": "sam sammy",
    "edward": "ed eddie ted teddy ned",
    "jonathan": "jon jonny",
    "nicholas": "nick nicky",
    "charles": "charlie chuck chas",
    "charlotte": "charlie lottie lotte",
    "frederick": "fred freddie",
    "henry": "harry hal hank",
    "harrison": "harry",
    "joshua": "josh",
    "zachary": "zach zack",
    "nathaniel": "nathan nat nate",
    "oliver": "olly ollie",
    "olivia": "liv livvy",
    "elizabeth": "liz lizzie beth betty eliza libby bess",
    "catherine": "kate katie cathy cat kath",
    "katherine": "kate katie kathy kat",
    "margaret": "maggie meg peggy",
    "rebecca": "becky becca",
    "jessica": "jess jessie",
    "jennifer": "jen jenny",
    "victoria": "vicky tori",
    "abigail": "abbie abby gail",
    "amelia": "millie amy",
    "emily": "em emmy",
    "eleanor": "ellie nell nora",
    "isabella": "bella izzy isla",
    "isabelle": "bella izzy",
    "gabriel": "gabe",
    "gabriella": "gabby ella",
    "natalie": "nat tally",
    "nathan": "nate",
    "patricia": "pat patsy trish",
    "susan": "sue susie",
    "stephen": "steve stevie",
    "steven": "steve stevie",
    "timothy": "tim timmy",
    "andrew": "andy drew",
    "david": "dave davey",
    "peter": "pete",
    "louise": "lou lulu",
    "lucinda": "lucy",
    "madison": "maddie",
    "madeleine": "maddie",
    "theodore": "theo ted teddy",
    "kieran": "kie",
    "kayleigh": "kay",
    "cameron": "cam",
    "callum": "cal",
}

NICKNAMES: dict[str, str] = {}
for _root, _names in _GROUPS.items():
    for _nick in _names.split():
        if _nick not in _GROUPS:
            NICKNAMES.setdefault(_nick, _root)


def root_name(name: str) -> str:
    """The root of a (normalised, lower-case) given name: "bill" -> "william"."""
    return NICKNAMES.get(name, name)
