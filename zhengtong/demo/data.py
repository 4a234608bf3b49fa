"""Name lists and fixed facts of the demo county (禾溪县, a FICTIONAL county), read from
`data/county.toml`.

Everything there is invented for demonstration: the county, its towns, streets, codes
and people do not exist. Nothing is copied from a real government's content. The
generator (`generator.py`) combines these lists with a seeded `random.Random`.

Notes on "fictional" numbers:

* Region code 990101 in the credit codes: no province-level division starts with 99.
* Landlines: the area code 0999 was asked for, but it is a real area code (Ili,
  Xinjiang); the local numbers therefore start with 0, which no real subscriber
  number can (0 is the trunk prefix), so no generated landline can reach anyone.
* Mobiles have the ordinary 11-digit form (the validators accept nothing else) and
  may collide with real numbers: the demo only ever "sends" SMS through the logging
  backend; never point a demo database at a real SMS gateway.
"""

from . import content

_county = content.load("county")

# --- the county ---------------------------------------------------------------------------

COUNTY_NAME: str = _county["county_name"]
COUNTY_ABBR: str = _county["county_abbr"]  # the root of every 代字 (禾政发, 禾教发 ...)
COUNTY_LOGIN_PREFIX: str = _county["county_login_prefix"]  # hx00001, hx00002 ...
REGION_CODE: str = _county["region_code"]
AREA_CODE: str = _county["area_code"]
POSTCODE: str = _county["postcode"]
FICTION_MARK: str = _county["fiction_mark"]
COUNTY_FICTION_MARK: str = _county["county_fiction_mark"]

COUNTY_STREETS: list[str] = _county["county_streets"]
TOWN_STREETS: list[str] = _county["town_streets"]

DEMO_PASSWORD: str = _county["demo_password"]

# --- people -------------------------------------------------------------------------------

_surnames = _county["surnames"]
SURNAMES: str = _surnames["three_times"] * 3 + _surnames["twice"] * 2 + _surnames["once"]
GIVEN_MALE: str = _county["given_male"]
GIVEN_FEMALE: str = _county["given_female"]
BLOCKED_NAMES = frozenset(_county["blocked_names"].split())
MOBILE_PREFIXES: list[str] = _county["mobile_prefixes"]

# --- units --------------------------------------------------------------------------------


def _departments(rows):
    """Department rows into tuples (suffix, short, middle, large, head title, deputy
    title, duties). Each department becomes "禾溪县<suffix>", short name "县<short>",
    代字 "禾<middle>发"."""
    out = []
    for row in rows:
        suffix = row["suffix"]
        head = (
            "主任" if suffix.endswith("委员会") else ("部长" if suffix.endswith("部") else "局长")
        )
        large = row.get("large", False)
        out.append((suffix, row["short"], row["middle"], large, head, "副" + head, row["duties"]))
    return out


GOVERNMENT_DEPARTMENTS = _departments(_county["government_departments"])
COMMITTEE_DEPARTMENTS = _departments(_county["committee_departments"])

# Internal sections (股/室/队) of some large departments, by name suffix above.
SECTIONS: dict[str, list[str]] = _county["sections"]

# Town names: two syllables + 镇 / 乡, drawn with the seed.
TOWN_FIRST: str = _county["town_first"]
TOWN_SECOND: str = _county["town_second"]
TOWN_COUNT: int = _county["town_count"]  # 镇
TOWNSHIP_COUNT: int = _county["township_count"]  # 乡

# --- sample content -----------------------------------------------------------------------

# Kinds of the demo's sample work items (the subsystems will file their own).
WORK_ITEM_KINDS: dict[str, str] = _county["work_item_kinds"]
