"""Word lists for the synthetic borough.

Only common first names and common surnames, kept in separate lists and combined at random by
the generator: no entry here, and no combination the generator makes, describes a real person.
Street, place, school and group names are generic English words put together at random; the
towns are the real localities of the borough's wards, which hold no personal data.
"""

from __future__ import annotations


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(sep))


# --- people --------------------------------------------------------------------------------------
# Each pool: first names for boys and girls born 2000-2016, for men and women born 1960-2000,
# and surnames. The generator picks a pool to match a household's recorded ethnicity.

BRITISH = {
    "boys": _words(
        "Oliver Jack Harry Charlie Jacob Thomas George Oscar James William Noah Alfie Joshua Leo "
        "Archie Ethan Riley Mason Lewis Kyle Callum Liam Tyler Connor Jordan Bradley Kieran Jake "
        "Ryan Luke Dylan Owen Max Logan Harvey Reece Ben Sam Daniel Adam Nathan Finley Lucas Alex "
        "Jamie Aaron Cameron Corey Brandon Kai Theo Freddie Henry Isaac Ollie Tommy Louie Frankie "
        "Jayden Declan Billy Joe Mikey Toby Rhys Jenson Carter Leon Ellis Kayden Alfred Elliot"
    ),
    "girls": _words(
        "Olivia Amelia Emily Isla Ava Jessica Isabella Lily Sophie Ella Mia Chloe Grace Ruby Evie "
        "Poppy Holly Megan Lauren Charlotte Ellie Amber Courtney Shannon Paige Leah Hannah Bethany "
        "Jade Abbie Caitlin Katie Millie Freya Lucy Molly Erin Summer Niamh Keira Tia Macey Libby "
        "Maisie Darcey Scarlett Phoebe Zoe Imogen Layla Demi Kayla Brooke Casey Jasmine Alisha "
        "Tegan Lexi Sienna Willow Harriet Eva Rosie Lola Georgia Madison Faith Skye Kacey Lacey"
    ),
    "men": _words(
        "David Paul Mark Andrew Richard Stephen Michael Darren Lee Craig Wayne Dean Gary Jason "
        "Carl Shaun Stuart Neil Martin Simon Christopher Matthew Anthony Scott Ian Kevin Robert "
        "John Peter Steven Gavin Jamie Ryan Daniel Ashley Danny Kirk Glen Karl Ricky Adam Nathan "
        "Liam Jonathan Philip Graham Sean Tony Marc Russell Jordan Luke Bradley Kyle"
    ),
    "women": _words(
        "Sarah Claire Emma Nicola Lisa Michelle Kelly Joanne Rachel Donna Amanda Louise Samantha "
        "Gemma Victoria Stacey Natalie Kerry Julie Karen Helen Laura Leanne Danielle Jennifer "
        "Hayley Tracey Dawn Zoe Charlotte Rebecca Jodie Kirsty Lindsay Sharon Angela Melissa Carly "
        "Chelsea Toni Jemma Katie Amy Sophie Lauren Kimberley Becky Hollie Jade Tanya"
    ),
    "surnames": _words(
        "Smith Jones Taylor Brown Wilson Johnson Walker Wright Robinson Thompson White Hughes "
        "Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke Clark Turner Hill Scott Cooper "
        "Morris Ward Moore King Watson Baker Harrison Morgan Young Allen Mitchell James Anderson "
        "Phillips Lee Bell Parker Davis Roberts Shaw Marshall Kelly Cook Price Holmes Ellis "
        "Stevens Barker Hirst Haigh Dyson Sykes Beever Senior Marsden Bottomley Ramsden "
        "Hinchliffe Schofield Firth Crossley Lockwood Armitage Hudson Brook Booth Gill Walsh "
        "Bentley Whitaker Atkinson Pearson Fisher Webster Richardson Dixon Kaye Hepworth Oxley "
        "Dawson Hargreaves Swift Riley Rhodes Holt Gledhill Mellor Lodge Steel Goodall Jagger "
        "Moxon Sugden Womack Crawshaw Birkinshaw Illingworth Greenwood Ackroyd Blackburn Bamforth "
        "Fletcher Wilkinson Chapman Mason Foster Hunt Cartwright Ibbotson Lister Naylor Owen "
        "Simpson Stringer Tinker Wainwright Wragg Hollingworth Horsfall Priestley Ramsay Speight"
    ),
}

CARIBBEAN_SURNAMES = _words(
    "Campbell Williams Thomas Francis Grant Reid Henry Bailey Clarke Morgan Johnson Brown "
    "Richards Lewis Samuels Gordon Stewart Daley Forbes Bennett"
)

EASTERN_EUROPEAN = {
    "boys": _words(
        "Jakub Kacper Szymon Filip Mateusz Bartosz Oliwer Antoni Dawid Patryk Andrei Alexandru "
        "Stefan Marius Lukas Tomas Adrian Denis Robert Kristian"
    ),
    "girls": _words(
        "Zuzanna Julia Lena Maja Hanna Natalia Wiktoria Oliwia Alicja Maria Ioana Elena Andreea "
        "Denisa Simona Monika Klaudia Paulina Nikola Vanesa"
    ),
    "men": _words("Piotr Tomasz Krzysztof Marek Pawel Ion Gheorghe Vasile Jan Milan Florin Radu"),
    "women": _words(
        "Anna Katarzyna Agnieszka Ewa Magdalena Ana Mihaela Daniela Marta Jana Renata Alina"
    ),
    "surnames": _words(
        "Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski "
        "Wozniak Popescu Ionescu Popa Stan Dumitru Balog Horvath Kovac Lakatos Olah Dudek Mazur"
    ),
}

SOUTH_ASIAN = {
    "boys": _words(
        "Mohammed Muhammad Ayaan Zain Ibrahim Yusuf Hamza Ali Adam Rehan Arjun Aarav Rohan Haris "
        "Bilal Zayn Amir Dev Kabir Ishaan"
    ),
    "girls": _words(
        "Aisha Fatima Zara Maryam Amina Hafsa Inaya Anaya Priya Simran Aaliyah Noor Sana Alisha "
        "Hana Zainab Riya Anika Mariam Safa"
    ),
    "men": _words("Imran Tariq Asif Kamran Shahid Rajesh Sanjay Nadeem Zahid Arif Faisal Sunil"),
    "women": _words("Shazia Nasreen Farah Rubina Sunita Parveen Samina Aneela Nazia Reena Saima"),
    "surnames": _words(
        "Khan Hussain Ahmed Ali Akhtar Iqbal Mahmood Patel Shah Rahman Uddin Islam Singh Sharma "
        "Chaudhry Malik Rashid Begum Mirza Qureshi"
    ),
}

CHINESE = {
    "boys": _words("Wei Jun Hao Ming Kai Leon Ethan Ryan Jason Yi"),
    "girls": _words("Mei Xin Yan Li Jia Chloe Grace Amy Lin Hui"),
    "men": _words("Wei Jian Ming Tao Hong Kevin Peter Chun"),
    "women": _words("Mei Ling Hui Yan Fang Jing Helen Lily"),
    "surnames": _words("Wang Li Zhang Chen Liu Wong Chan Cheung Lam Ho Ng Yang"),
}

AFRICAN = {
    "boys": _words(
        "Emmanuel David Samuel Daniel Joshua Tobi Chidi Kwame Kofi Tendai Tinashe Abdi Victor "
        "Michael Praise"
    ),
    "girls": _words(
        "Grace Blessing Precious Esther Favour Amara Chioma Adaeze Nyasha Faith Zainab Mercy "
        "Deborah Ruth Joy"
    ),
    "men": _words("Emmanuel Samuel Joseph Godfrey Ifeanyi Kwabena Tendai Ahmed Olu Peter"),
    "women": _words("Grace Esther Ngozi Abena Ruth Chipo Fatuma Patience Comfort Funmi"),
    "surnames": _words(
        "Okafor Adeyemi Mensah Osei Okonkwo Moyo Ncube Mohamed Abdi Hassan Boateng Nwosu Eze "
        "Owusu Banda Dube"
    ),
}

ARAB = {
    "boys": _words("Omar Ahmed Khalid Yousef Karim Sami Adam Hassan Ali Tariq"),
    "girls": _words("Layla Yasmin Noor Huda Rana Salma Mariam Lina Sara Dana"),
    "men": _words("Ahmed Khalid Mahmoud Samir Walid Hassan Nabil Fadi"),
    "women": _words("Fatima Rania Huda Samira Leila Nadia Amal Mona"),
    "surnames": _words("Haddad Mansour Saleh Nasser Khalil Hamdan Abbas Yousef Farah Said"),
}

POOLS = {
    "british": BRITISH,
    "eastern_european": EASTERN_EUROPEAN,
    "south_asian": SOUTH_ASIAN,
    "chinese": CHINESE,
    "african": AFRICAN,
    "arab": ARAB,
}

NICKNAMES = _words(
    "Tiny Smudge Bugsy Ginge Shorty Lanky Tash Bex Jay Deano Mo Kez Spud Chunk Biscuit Titch "
    "Bambi Midge Scrappy Sparky Bubbles Pip"
)

STREET_NAMES = _words(
    "K-Dot LilT Ghost Blade Trapz Rico Flex Benz Snoop Tank Menace Smokey Dice Stacks Ace Rocco "
    "Zee Nitro Shadow Razor Bandit Hench Sly Kane Vegas Jinx Reaper Mamba Skippy Tiny-J"
)

HANDLE_SUFFIXES = ("x", "xx", "_", "0", "official", "bby", "rr", "uk", "_s70", "_s71")

# --- the borough ---------------------------------------------------------------------------------

STREET_BASES = _words(
    "Station Church Mill Park High Queen King Victoria Albert Market Wood New Hall Manor School "
    "Chapel Green Pinfold Vicarage Summer Spring Water Bank Hill Low West East North South Cross "
    "Bridge Sheffield Doncaster Wakefield Huddersfield Pontefract Rotherham Oak Elm Ash Birch "
    "Beech Willow Sycamore Cherry Holly Hawthorn Rowan Laburnum Lime Cedar Meadow Field Farm "
    "Orchard Coronation Jubilee Princess Regent Melbourne Blenheim Windsor Stafford Carr Common "
    "Cliff Dale Moor Colliery Pit Furnace Forge Quarry Canal Lock Tithe Barnsley Hope Providence"
)

STREET_SUFFIXES = _words(
    "Road Street Lane Avenue Close Crescent Drive Grove Way Terrace Walk View Gardens Court "
    "Place Rise Mount Croft"
)

LOCALITY_WORDS = _words(
    (
        "Ashfield, Brookfield, Hillside, Valley, Northfield, Greenacre, Meadowbank, Westbourne, "
        "Riverside, Fairfield, Highfield, Springvale, Holmfield, Kingsmead, Parkside, Woodlands, "
        "Lowfield, Broadway, Castle Hill, Beacon, Ridgeway, Moorland, Cherry Tree, Willowbank, "
        "Birchwood, Heatherfield, Thornhill, Sandhill, Foxhill, Larkspur, Greenfield, Millbrook, "
        "Ravenscroft, Stonecroft, Redbrook, Hawthorn, Oakdale, Elmwood, Larchfield, Windhill, "
        "Cliffside, Hollybank, Lakeside, Rosehill, Bracken Hill, Coppice, Ferncliffe, "
        "Swallow Dale, Kestrel, Heron Bank, Maple Grove, Linden Acre, Primrose Vale, Lindley Moor, "
        "Saxon Fields"
    ),
    ",",
)

SCHOOL_SUFFIXES = {
    "primary": ("Primary School", "Primary Academy", "Junior and Infant School", "Primary"),
    "secondary": ("Academy", "High School", "School", "Community School", "College"),
    "college": ("Sixth Form College", "College", "Further Education College"),
    "alternative": ("Pupil Referral Unit", "Alternative Provision Academy"),
    "special": ("Special School", "Specialist Academy"),
}

PUB_NAMES = (
    "The Red Lion",
    "The White Hart",
    "The Royal Oak",
    "The Miners Arms",
    "The Railway",
    "The Plough",
    "The Crown",
    "The Rose and Crown",
    "The George",
    "The Wheatsheaf",
    "The Black Bull",
    "The Cross Keys",
    "The Travellers Rest",
    "The Fleece",
    "The Joiners Arms",
    "The Colliers Arms",
    "The Star",
    "The Old Mill",
    "The Cricketers",
    "The Kings Head",
)

PLACE_PATTERNS = {
    "park": ("{loc} Park", "{town} Rec", "{loc} Playing Fields", "{loc} Woods", "{street} park"),
    "shop": (
        "{street} convenience store",
        "{loc} Stores",
        "{street} off-licence",
        "{loc} Minimarket",
        "{street} vape shop",
    ),
    "takeaway": (
        "{street} takeaway",
        "{loc} Fish Bar",
        "{loc} Pizza",
        "{loc} Chicken",
        "{street} kebab house",
        "{loc} Café",
    ),
    "transport": (
        "{town} Interchange",
        "{street} bus stops",
        "{town} station car park",
        "{loc} Park and Ride",
        "{street} bus shelter",
    ),
    "licensed": ("{pub}",),
    "hotel": ("{loc} Lodge", "{loc} Hotel", "{street} short-let flats", "{loc} Inn"),
    "youth_club": (
        "{loc} Youth Club",
        "{town} Leisure Centre",
        "{loc} Boxing Club",
        "{loc} Skate Park",
    ),
    "care_home": ("{loc} House", "{street} children's home"),
    "street": ("Alley behind {street}", "{street} underpass", "{street} garages"),
    "residential": ("{street} flats", "Flat above {street} shops"),
    "other": ("{loc} allotments", "Disused mill, {street}", "{loc} canal towpath"),
}

PLACE_DESCRIPTIONS = {
    "park": "Open space; young people gather here in the evenings.",
    "shop": "Shop open late; reports of young people loitering outside.",
    "takeaway": "Late-opening takeaway; staff known to give free food to young people.",
    "transport": "Transport hub used to travel in and out of the borough.",
    "licensed": "Licensed premises.",
    "hotel": "Rooms let by the night, paid in cash.",
    "youth_club": "Youth provision open most weekday evenings.",
    "care_home": "Children's home (registered, four beds).",
    "street": "Poorly lit area with little passing footfall.",
    "residential": "Address of concern: possible cuckooing.",
    "other": "Secluded spot reported by local residents.",
}

PEER_GROUP_WORDS = ("crew", "lads", "group", "girls", "youths", "estate group", "lot")

ONLINE_PLATFORMS = ("Snapchat", "WhatsApp", "Instagram", "TikTok", "Telegram", "Discord")

ONLINE_GROUP_WORDS = (
    "squad",
    "fam",
    "mandem",
    "gyaldem",
    "link up",
    "side",
    "madness",
    "crew",
    "chat",
    "ends",
)

PREFERRED_NAMES = {
    "Oliver": "Ollie",
    "Alfred": "Alfie",
    "Thomas": "Tom",
    "Jacob": "Jake",
    "William": "Will",
    "Joshua": "Josh",
    "Daniel": "Dan",
    "Samuel": "Sam",
    "Benjamin": "Ben",
    "Jessica": "Jess",
    "Charlotte": "Lottie",
    "Isabella": "Bella",
    "Rebecca": "Becky",
    "Abbie": "Abs",
    "Katie": "Kat",
    "Mohammed": "Mo",
    "Muhammad": "Mo",
    "Alexandru": "Alex",
    "Aleksander": "Alek",
    "Emmanuel": "Manny",
}
