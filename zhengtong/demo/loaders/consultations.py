"""Two sample consultations for the demo county, made through the real operations
(so they carry work items and audit records like any other): the housing bureau's
draft on town-centre parking, open, with comments (some published, some waiting for
a check, one not published); and the education bureau's draft on after-school care,
closed forty days ago with its feedback summary published. All text is fictional.

The past is played by moving the clock (`timezone.now`) while the operations run.
"""

import contextlib
import datetime
import random
from unittest import mock

from django.utils import timezone

from zhengtong.consultations import services
from zhengtong.consultations.models import Consultation
from zhengtong.demo import content
from zhengtong.org.models import Role, User

_data = content.load("consultations")  # the words: zhengtong/demo/data/consultations.toml

PARKING_UNIT = "dept:住房和城乡建设局"
CARE_UNIT = "dept:教育局"

PARKING = {**_data["parking"], "sections": content.rows(_data["parking"]["sections"])}

CARE = {**_data["care"], "sections": content.rows(_data["care"]["sections"])}

PEOPLE = _data["people"]
ORGANISATIONS = _data["organisations"]

PARKING_COMMENTS = [
    (c.get("section"), c["text"], c["moderation"]) for c in _data["parking_comments"]
]

CARE_COMMENTS = [(c.get("section"), c["text"]) for c in _data["care_comments"]]

CARE_SUMMARY = _data["care_summary"]


@contextlib.contextmanager
def _clock(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _staff(unit):
    """The unit's clerk (文书), who drafts and moderates."""
    return (
        User.objects.filter(
            is_active=True, role_assignments__role=Role.CLERK, role_assignments__unit=unit
        )
        .order_by("pk")
        .first()
    )


def _sections(rows):
    return [{"heading": h, "text": t} for h, t in rows]


def _commenter(rng, serial):
    return {
        "name": rng.choice(PEOPLE),
        "mobile": f"139{rng.randint(0, 9999):04d}{serial:04d}",
        "organisation": rng.choice(ORGANISATIONS),
    }


def load(units: dict, *, seed: int):
    """Add the two consultations (units: the demo generator's key → Unit). Returns
    them (open, closed). Deterministic for a given seed; does nothing if they exist."""
    rng = random.Random(seed)
    if Consultation.objects.filter(title__in=[PARKING["title"], CARE["title"]]).exists():
        return None
    now = timezone.now().replace(microsecond=0)
    day = datetime.timedelta(days=1)

    # Closed, with its summary: opened 75 days ago for 30 days.
    care_unit = units[CARE_UNIT]
    care_clerk = _staff(care_unit)
    opened = now - 75 * day
    with _clock(opened):
        care = services.create_consultation(
            care_clerk,
            unit=care_unit,
            title=CARE["title"],
            explanatory_note=CARE["explanatory_note"],
            sections=_sections(CARE["sections"]),
            closes_at=opened + 30 * day,
            moderation="premoderated",
        )
        services.open_consultation(care_clerk, care)
    sections = {s.number: s for s in care.sections.all()}
    for serial, (number, text) in enumerate(CARE_COMMENTS, start=1):
        moment = opened + (2 + serial * 5) * day
        with _clock(moment):
            received = services.submit_comment(
                care, text=text, section=sections.get(number), **_commenter(rng, serial)
            )
        with _clock(moment + day):
            services.moderate_comment(care_clerk, received, approve=True)
    with _clock(opened + 30 * day):
        services.close_due_consultations()
    with _clock(opened + 38 * day):
        services.publish_summary(care_clerk, care, **CARE_SUMMARY)

    # Open: since 12 days ago, for 30 days.
    parking_unit = units[PARKING_UNIT]
    parking_clerk = _staff(parking_unit)
    opened = now - 12 * day
    with _clock(opened):
        parking = services.create_consultation(
            parking_clerk,
            unit=parking_unit,
            title=PARKING["title"],
            explanatory_note=PARKING["explanatory_note"],
            sections=_sections(PARKING["sections"]),
            closes_at=opened + 30 * day,
            moderation="premoderated",
        )
        services.open_consultation(parking_clerk, parking)
    sections = {s.number: s for s in parking.sections.all()}
    for serial, (number, text, fate) in enumerate(PARKING_COMMENTS, start=1):
        moment = opened + serial * day + datetime.timedelta(hours=rng.randint(8, 20))
        with _clock(moment):
            received = services.submit_comment(
                parking,
                text=text,
                section=sections.get(number),
                **_commenter(rng, 100 + serial),
            )
        if fate == "pending":
            continue
        with _clock(moment + day):
            services.moderate_comment(
                parking_clerk,
                received,
                approve=fate == "approve",
                reason="" if fate == "approve" else "内容为广告，与征求意见无关。",
            )
    care.refresh_from_db()
    parking.refresh_from_db()
    return parking, care
