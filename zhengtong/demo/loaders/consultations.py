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
from zhengtong.org.models import Role, User

PARKING_UNIT = "dept:住房和城乡建设局"
CARE_UNIT = "dept:教育局"

PARKING = {
    "title": "禾溪县城区机动车停车管理办法（征求意见稿）",
    "explanatory_note": (
        "一、起草背景。近年来县城机动车保有量快速增长，老城区停车难、乱停放问题较为突出，"
        "群众反映较多。\n"
        "二、起草过程。县住房和城乡建设局会同县公安局、县市场监督管理局，在调研城区停车设施"
        "供给情况的基础上起草了本办法。\n"
        "三、主要内容。本办法共五条，明确了停车设施规划建设、公共停车场收费、道路临时泊位"
        "设置和违规停放处理等内容。"
    ),
    "sections": [
        (
            "总则",
            "第一条 为规范本县城区机动车停车秩序，改善城市交通环境，结合本县实际，制定本办法。",
        ),
        (
            "规划建设",
            "第二条 新建住宅小区、商业综合体应当按照规定配建停车位，并与主体工程同步设计、同步建设、同步交付使用。",
        ),
        (
            "收费管理",
            "第三条 公共停车场实行分时段差别化收费，首小时内免费；夜间二十时至次日七时按次计费。",
        ),
        (
            "道路泊位",
            "第四条 道路临时泊位由县公安局会同县住房和城乡建设局设置，不得影响行人和非机动车通行。",
        ),
        ("附则", "第五条 本办法自发布之日起施行。"),
    ],
}

CARE = {
    "title": "禾溪县中小学课后服务管理办法（征求意见稿）",
    "explanatory_note": (
        "为进一步做好中小学课后服务工作，减轻家长接送负担，县教育局起草了本办法，"
        "现向社会公开征求意见。"
    ),
    "sections": [
        ("服务时间", "第一条 课后服务时间原则上为每个教学日下午放学后至十七时三十分。"),
        ("服务内容", "第二条 课后服务以作业辅导、阅读和文体活动为主，不得讲授新课。"),
        ("费用", "第三条 课后服务收费标准由县发展和改革局会同县教育局核定，家庭经济困难学生免收。"),
    ],
}

PEOPLE = ["周立新", "吴晓燕", "郑海涛", "孙明月", "钱志远", "冯雅婷", "陈国栋", "褚丽华"]
ORGANISATIONS = ["", "", "", "禾溪县个体劳动者协会", "城关镇南街社区居民委员会"]

PARKING_COMMENTS = [
    (3, "建议夜间按次计费的标准向社会公布，并在停车场入口明示。", "approve"),
    (3, "首小时免费很好，建议医院周边停车场延长到两小时。", "approve"),
    (4, "道路泊位不要占用盲道，老城区人行道本来就窄。", "approve"),
    (None, "希望办法施行前给半年过渡期，方便小区改造车位。", "approve"),
    (2, "老旧小区没有条件配建车位的，能否利用周边空地建临时停车场？", "pending"),
    (None, "联系电话：13900000000，加微信了解更多停车优惠！", "reject"),
    (4, "学校门口接送时段应当设置临时停靠区。", "pending"),
]

CARE_COMMENTS = [
    (1, "建议服务时间延长到十八时，双职工家庭接孩子来不及。"),
    (2, "希望增加体育活动，不要把课后服务变成第二课堂。"),
    (3, "建议明确收费标准的上限，并公示收支情况。"),
    (None, "农村学校缺少老师，建议允许聘请退休教师参与。"),
]

CARE_SUMMARY = {
    "overview": (
        "征求意见期间，共收到社会公众意见4条，涉及服务时间、服务内容、收费和师资等方面。"
        "经认真研究，采纳1条，部分采纳2条，未采纳1条。"
    ),
    "points": [
        {
            "point": "服务时间延长到十八时。",
            "decision": "partly",
            "reason": "各校可根据家长需求提供延时托管至十八时，但不作统一要求。",
        },
        {"point": "增加体育活动。", "decision": "adopted", "reason": ""},
        {
            "point": "明确收费上限并公示收支。",
            "decision": "partly",
            "reason": "收支情况每学期公示；收费上限由价格主管部门另行核定。",
        },
        {
            "point": "聘请退休教师参与。",
            "decision": "not_adopted",
            "reason": "退休教师参与属于志愿服务，由学校按有关规定自行组织，不在本办法中规定。",
        },
    ],
}


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
