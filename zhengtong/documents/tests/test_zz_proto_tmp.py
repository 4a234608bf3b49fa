import datetime
import os

import pytest
from django.utils import timezone

from zhengtong.conftest import make_unit, make_user
from zhengtong.documents import layout
from zhengtong.documents.models import DocState, Document
from zhengtong.org.models import UnitKind

PARA = "为进一步做好全县学校安全工作，切实保障师生生命财产安全，维护正常教育教学秩序，根据上级有关文件精神，结合我县实际，现就有关事项通知如下，请各单位认真贯彻落实，确保各项措施落到实处。"


@pytest.mark.django_db
def test_proto():
    county = make_unit("青山县", UnitKind.COUNTY)
    gov = make_unit("青山县人民政府", UnitKind.GOVERNMENT, county)
    bureau = make_unit("青山县教育局", UnitKind.DEPARTMENT, gov, doc_prefix="青教发")
    towns = [make_unit(n, UnitKind.TOWN, county) for n in ("城关镇", "河西镇", "石桥乡")]
    finance = make_unit("青山县财政局", UnitKind.DEPARTMENT, gov)
    drafter = make_user("drafter", bureau, real_name="张文书")
    head = make_user("head", bureau, real_name="李明")
    body = (
        "<p>各乡镇人民政府：</p><p>" + PARA + "</p>"
        "<h2>一、提高认识，加强领导</h2><p>" + PARA * 2 + "</p>"
        "<h3>（一）认真组织自查。</h3><p>" + PARA + "</p>"
        "<h4>1.排查校舍安全隐患。</h4><p>" + PARA * 2 + "</p>"
        "<h5>（1）建立隐患台账。</h5><p>" + PARA * 3 + "</p>"
        "<h2>二、突出重点，抓好落实</h2><p>" + PARA * 3 + "</p>"
    )
    kind = os.environ.get("KIND", "notice")
    d = Document.objects.create(
        doc_type=kind,
        direction=os.environ.get("DIR", "down"),
        title="关于做好秋季学期学校安全工作的通知",
        body=body,
        issuing_unit=bureau,
        drafter=drafter,
        urgency="urgent",
        number_prefix="青教发",
        number_year=2026,
        number_seq=12,
        signer=head,
        signed_at=timezone.make_aware(datetime.datetime(2026, 10, 9, 10)),
        issued_at=timezone.make_aware(datetime.datetime(2026, 10, 10, 10)),
        attachment_note="全县学校安全检查表\n安全隐患整改台账",
        note="联系人：张文书，电话：0000-1234567",
        state=DocState.ISSUED,
    )
    d.main_recipients.set(towns)
    d.copy_recipients.set([gov, finance])
    if os.environ.get("JOINT"):
        d.joint_units.set([finance])
    open("/tmp/proto.pdf", "wb").write(layout.render_pdf(d))
    open("/tmp/proto.docx", "wb").write(layout.render_docx(d))
    open("/tmp/proto.html", "w").write(layout.render_html(d))
