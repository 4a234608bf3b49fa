"""The life events (个人办事) and business events (法人办事) the catalogue is browsed by:
(kind, code, name). Seeded by migration 0002 and `ensure_events()`; new events are
added here (a migration calling `ensure_events` again)."""

LIFE = [
    ("birth", "出生"),
    ("school", "上学"),
    ("employment", "就业创业"),
    ("marriage", "婚育"),
    ("residence", "户籍迁移"),
    ("housing", "住房"),
    ("social-security", "社会保障"),
    ("health", "医疗卫生"),
    ("travel", "交通出行"),
    ("retirement", "退休养老"),
    ("veterans", "退役优抚"),
    ("after-death", "身后事"),
]
BUSINESS = [
    ("start-business", "开办企业"),
    ("construction", "工程建设"),
    ("operating-permit", "经营许可"),
    ("investment", "投资立项"),
    ("hiring", "用工招聘"),
    ("environment", "环境保护"),
    ("transport", "交通运输"),
    ("agriculture", "农业生产"),
    ("culture-tourism", "文化旅游"),
    ("change-closure", "变更注销"),
]
EVENTS = [("life", slug, name) for slug, name in LIFE] + [
    ("business", slug, name) for slug, name in BUSINESS
]


def ensure_events(model=None):
    """Create the events that are missing (the migration, and the demo after a test
    database was flushed). `model` is the historical model inside a migration."""
    if model is None:
        from .models import ServiceEvent as model
    for order, (kind, slug, name) in enumerate(EVENTS):
        model.objects.get_or_create(
            slug=slug, defaults={"kind": kind, "name": name, "sort_order": order}
        )
