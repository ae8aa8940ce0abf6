"""Embedded word lists for the synthetic district: person names, nicknames, place and school names.

All lists are hand-written here (no external data, no licence strings attached). Names are common
US given and family names combined at random, so no generated person is a real person. A few
entries carry accents, apostrophes or hyphens on purpose: consumers must handle UTF-8 and
punctuation in names. Earlier entries are drawn more often (a Zipf-like weight, see
:func:`zipf_cum_weights`), so common combinations (two "Sophia Garcia" in one grade) happen, as
they do in real districts, and identity matching has to cope with them.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from itertools import accumulate
from typing import Final

__all__ = [
    "DISTRICT_PLACES",
    "DISTRICT_SUFFIXES",
    "FAMILY_NAMES",
    "FEMALE_NAMES",
    "MALE_NAMES",
    "NEUTRAL_NAMES",
    "NICKNAMES",
    "SCHOOL_STEMS",
    "ascii_slug",
    "zipf_cum_weights",
]

# fmt: off
FEMALE_NAMES: Final[tuple[str, ...]] = (
    "Olivia", "Emma", "Charlotte", "Amelia", "Sophia", "Mia", "Isabella", "Ava", "Evelyn",
    "Luna", "Harper", "Sofia", "Camila", "Eleanor", "Elizabeth", "Violet", "Scarlett", "Emily",
    "Hazel", "Lily", "Gianna", "Aurora", "Penelope", "Aria", "Nora", "Chloe", "Ellie", "Mila",
    "Avery", "Layla", "Abigail", "Ella", "Isla", "Eliana", "Nova", "Madison", "Zoe", "Ivy",
    "Grace", "Lucy", "Willow", "Emilia", "Riley", "Naomi", "Victoria", "Stella", "Elena",
    "Hannah", "Valentina", "Maya", "Zoey", "Delilah", "Leah", "Lainey", "Lillian", "Paisley",
    "Genesis", "Madelyn", "Sadie", "Sophie", "Leilani", "Addison", "Natalie", "Josephine",
    "Alice", "Ruby", "Claire", "Kinsley", "Everly", "Emery", "Adeline", "Kennedy", "Maeve",
    "Audrey", "Autumn", "Athena", "Eden", "Iris", "Anna", "Eloise", "Jade", "Maria", "Caroline",
    "Brooklyn", "Quinn", "Aaliyah", "Vivian", "Liliana", "Gabriella", "Hailey", "Sarah",
    "Savannah", "Cora", "Madeline", "Bella", "Ximena", "Guadalupe", "Fatima", "Mariana",
    "Jasmine", "Destiny", "Imani", "Aisha", "Mei", "Priya", "Ananya", "Linh", "Chloé", "Zoë",
    "Renée", "Mónica", "Sinéad", "Nadia", "Yasmin", "Keisha", "Tiana", "Ayesha",
)

MALE_NAMES: Final[tuple[str, ...]] = (
    "Liam", "Noah", "Oliver", "James", "Elijah", "Mateo", "Theodore", "Henry", "Lucas",
    "William", "Benjamin", "Levi", "Sebastian", "Jack", "Ezra", "Michael", "Daniel", "Leo",
    "Owen", "Samuel", "Hudson", "Alexander", "Asher", "Luca", "Ethan", "John", "David",
    "Jackson", "Joseph", "Mason", "Luke", "Matthew", "Julian", "Dylan", "Elias", "Jacob",
    "Maverick", "Gabriel", "Logan", "Aiden", "Thomas", "Isaac", "Miles", "Grayson", "Santiago",
    "Anthony", "Wyatt", "Carter", "Jayden", "Ezekiel", "Caleb", "Cooper", "Josiah", "Charles",
    "Christopher", "Isaiah", "Nolan", "Cameron", "Nathan", "Joshua", "Kai", "Waylon", "Angel",
    "Lincoln", "Andrew", "Roman", "Adrian", "Aaron", "Wesley", "Ian", "Thiago", "Axel",
    "Brooks", "Bennett", "Weston", "Rowan", "Christian", "Theo", "Beau", "Eli", "Silas",
    "Jonathan", "Ryan", "Leonardo", "Walker", "Jaxon", "Micah", "Everett", "Robert", "Enzo",
    "Parker", "Jeremiah", "Jose", "Colton", "Diego", "Carlos", "Juan", "Luis", "Omar", "Malik",
    "DeShawn", "Jamal", "Darnell", "Tyrone", "Wei", "Arjun", "Rohan", "Minh", "Hiroshi",
    "José", "Andrés", "Joaquín", "Sean", "Declan", "Mohammed", "Yusuf", "Tariq", "Kwame",
)

NEUTRAL_NAMES: Final[tuple[str, ...]] = (
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Skyler", "Dakota",
    "Reese", "Rowan", "Sage", "Emerson", "Finley", "River", "Phoenix", "Ari", "Remy",
)

FAMILY_NAMES: Final[tuple[str, ...]] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
    "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
    "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster",
    "Jimenez", "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler",
    "Henderson", "Barnes", "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan",
    "Patterson", "Alexander", "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno",
    "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina",
    "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison",
    "Fernandez", "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry",
    "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson",
    "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon",
    "Munoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd",
    "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza",
    "Daniels", "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne",
    "Grant", "Dunn", "Kelley", "Spencer", "Hawkins", "Arnold", "Pierce", "Vazquez", "Hansen",
    "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott", "Cunningham", "Duncan",
    "Armstrong", "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Alvarado", "Ray", "Delgado",
    "Berry", "Perkins", "Hoffman", "Johnston", "Matthews", "Pena", "Richards", "Contreras",
    "Willis", "Carpenter", "Lawrence", "Sandoval", "Wang", "Li", "Zhang", "Liu", "Singh",
    "Shah", "Khan", "Ali", "Hassan", "Okafor", "Mensah", "Yamamoto", "Tanaka", "Park", "Choi",
    "Pham", "Le", "Vu", "O'Brien", "O'Connor", "Núñez", "Muñoz", "Peña", "Ibáñez",
    "García-López", "Smith-Jones", "St. John", "MacDonald", "Van der Berg", "Kowalski", "Nowak",
    "Rossi", "Ferrari", "Russo", "Cohen", "Levy", "Friedman", "Schneider", "Fischer", "Weber",
)

NICKNAMES: Final[dict[str, str]] = {
    "Alexander": "Alex", "Benjamin": "Ben", "Christopher": "Chris", "Daniel": "Danny",
    "Elizabeth": "Liz", "Emily": "Em", "Gabriella": "Gabby", "Isabella": "Bella",
    "Jonathan": "Jon", "Joseph": "Joe", "Joshua": "Josh", "Josephine": "Josie",
    "Madeline": "Maddie", "Madison": "Maddie", "Matthew": "Matt", "Michael": "Mike",
    "Nathan": "Nate", "Nicholas": "Nick", "Penelope": "Penny", "Robert": "Bobby",
    "Samuel": "Sam", "Theodore": "Teddy", "Thomas": "Tom", "Victoria": "Tori", "William": "Will",
    "Abigail": "Abby", "Charles": "Charlie", "Eleanor": "Ellie", "Anthony": "Tony",
    "Jacob": "Jake", "Natalie": "Nat", "Caroline": "Carrie", "Andrew": "Drew",
}

DISTRICT_PLACES: Final[tuple[str, ...]] = (
    "Cedar Valley", "Maple Ridge", "Pine Hollow", "Silver Lake", "Willow Creek", "Granite Falls",
    "Harbor Point", "Oak Meadow", "Riverbend", "Stony Brook", "Clearwater Springs", "Elk Prairie",
    "Fox Run", "Aspen Heights", "Bluebird Hills", "Copper Canyon", "Eagle Bluff", "Juniper Flats",
    "Lakeshore", "Mesa Verde Valley", "North Fork", "Prairie Wind", "Red Rock", "Sunset Plains",
)

DISTRICT_SUFFIXES: Final[tuple[str, ...]] = (
    "Unified School District",
    "Public Schools",
    "School District",
    "Independent School District",
    "Consolidated Schools",
)

SCHOOL_STEMS: Final[tuple[str, ...]] = (
    "Lincoln", "Washington", "Jefferson", "Roosevelt", "Franklin", "Madison", "Adams",
    "Jackson", "Monroe", "Kennedy", "Hamilton", "Douglass", "Tubman", "Carver", "Chavez",
    "Parks", "Keller", "Earhart", "Curie", "Einstein", "Edison", "Whitman", "Thoreau", "Emerson",
    "Dickinson", "Hawthorne", "Twain", "Frost", "Hughes", "Angelou", "Sequoyah", "Sacagawea",
    "Oak Grove", "Maple", "Cedar", "Willow", "Pinecrest", "Birchwood", "Aspen", "Sycamore",
    "Magnolia", "Cypress", "Redwood", "Hillside", "Lakeview", "Riverside", "Meadowbrook",
    "Brookside", "Fairview", "Highland", "Valley View", "Sunnyside", "Greenfield", "Westwood",
    "Eastgate", "Northridge", "Southpark", "Parkway", "Prairie", "Canyon", "Mesa", "Summit",
    "Horizon", "Pioneer", "Heritage", "Liberty", "Independence", "Discovery", "Explorer",
    "Cardinal", "Bluejay", "Eagle", "Falcon", "Heron", "Osprey", "Kestrel", "Hawthorn",
    "Rosewood", "Stonegate", "Ironwood", "Clearview", "Brightwater", "Foxhollow", "Deer Creek",
    "Bear Creek", "Mill Creek", "Spring Valley", "Crystal Lake", "Harbor", "Bayside", "Seaview",
)

# fmt: on


def zipf_cum_weights(n: int, exponent: float = 0.6) -> list[float]:
    """Cumulative weights ``1/(rank**exponent)`` for ``random.choices(cum_weights=...)``."""
    return list(accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


@lru_cache(maxsize=4096)
def ascii_slug(value: str) -> str:
    """Lower-case ASCII letters and digits only: ``"Núñez-O'Brien"`` → ``"nunezobrien"``."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed.encode("ascii", "ignore").decode().lower() if c.isalnum())
