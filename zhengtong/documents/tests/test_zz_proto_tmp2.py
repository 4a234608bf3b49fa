import datetime, os
import pytest
from django.utils import timezone
from zhengtong.conftest import make_unit, make_user
from zhengtong.documents.models import Document
from zhengtong.documents import layout
from zhengtong.org.models import UnitKind

LINE = "各乡镇要认真落实本通知要求，切实做好学校安全工作。"  # 26 chars -> one line with indent

@pytest.mark.django_db
def test_modes():
    county = make_unit("青山县", UnitKind.COUNTY)
    bureau = make_unit("青山县教育局", UnitKind.DEPARTMENT, county, doc_prefix="青教发")
    drafter = make_user("drafter", bureau, real_name="张文书")
    out = []
    for n in map(int, os.environ["NS"].split(",")):
        d = Document.objects.create(doc_type="notice", direction="down", title="关于做好秋季学期学校安全工作的通知",
            body="".join(f"<p>{LINE}</p>" for _ in range(n)), issuing_unit=bureau, drafter=drafter,
            number_prefix="青教发", number_year=2026, number_seq=n, signed_at=timezone.now())
        d.copy_recipients.set([county])
        texts = layout.document_texts(d)
        import weasyprint
        from django.template.loader import render_to_string
        r = weasyprint.HTML(string=render_to_string(layout.TEMPLATE, layout._context(texts, "foot"))).render()
        pdf = layout.render_pdf(d)
        import pypdfium2
        out.append((n, layout._page_of(r, layout.BODY_END_ID), layout._page_of(r, layout.COLOPHON_ID), len(pypdfium2.PdfDocument(pdf))))
        open(f"/tmp/mode-{n}.pdf", "wb").write(pdf)
    print(out)
