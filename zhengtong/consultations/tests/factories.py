"""Helpers for the consultation tests: a draft, an open consultation, a comment."""

import datetime
import itertools

from django.utils import timezone

from zhengtong.conftest import make_user
from zhengtong.org.models import Role

from .. import services

_keys = itertools.count(1)
MOBILE = "13900001111"


def make_editor(unit, username="editor"):
    return make_user(username, unit, roles=[Role.EDITOR], real_name="Chen Jing")


def make_draft(actor, unit, *, moderation="premoderated", days=30, sections=None, **fields):
    return services.create_consultation(
        actor,
        unit=unit,
        title=fields.pop("title", "关于禾溪县城区停车管理办法（征求意见稿）"),
        explanatory_note=fields.pop("explanatory_note", "起草说明：为规范城区停车秩序。"),
        sections=sections
        or [
            {"heading": "总则", "text": "第一条 为规范本县城区停车管理，制定本办法。"},
            {"heading": "收费", "text": "第二条 公共停车场实行分时段收费。"},
        ],
        closes_at=timezone.now() + datetime.timedelta(days=days),
        moderation=moderation,
        **fields,
    )


def make_open(actor, unit, **kwargs):
    return services.open_consultation(actor, make_draft(actor, unit, **kwargs))


def comment(consultation, *, text="建议增加夜间免费时段。", section=None, key=None, **fields):
    fields.setdefault("name", "刘小明")
    fields.setdefault("mobile", MOBILE)
    return services.submit_comment(
        consultation,
        text=text,
        section=section,
        submission_key=key or f"test-key-{next(_keys):06d}",
        **fields,
    )
