"""Sample official documents for the demo county, made through the real operations so
that they carry routes, trails, numbers, work items and audit records like any other.

Documents of the education bureau (the `head` demo log-in) in every state: drafts,
under review, waiting for the head's sign-off, signed and waiting to be issued,
issued to every town (some towns have signed for it, one is overdue).
"""

import datetime
import random

from django.utils import timezone

from zhengtong.org.models import Role, Unit, UnitKind, User

from . import services
from .models import Disclosure, DocType

TITLES = [
    "关于做好秋季学期学校安全工作的通知",
    "关于开展中小学校舍安全排查的通知",
    "关于报送年度教育经费执行情况的通知",
    "关于做好冬季校园防火工作的通知",
    "关于组织开展教师培训工作的通知",
    "关于加强校外培训机构管理的通知",
    "关于做好学生资助工作的通知",
    "关于开展校园食品安全检查的通知",
]


def _role_holder(role, unit):
    return (
        User.objects.filter(
            role_assignments__role=role, role_assignments__unit=unit, is_active=True
        )
        .order_by("id")
        .first()
    )


def load(seed=2026, *, bureau_name_contains="教育局"):
    """Create the sample documents; returns how many. Needs the demo county's units."""
    rng = random.Random(seed)
    bureau = Unit.objects.filter(
        kind=UnitKind.DEPARTMENT, name__contains=bureau_name_contains
    ).first()
    finance = Unit.objects.filter(kind=UnitKind.DEPARTMENT, name__contains="财政局").first()
    towns = list(
        Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("sort_order", "id")
    )
    if bureau is None or finance is None or not towns:
        return 0
    clerk, head = _role_holder(Role.CLERK, bureau), _role_holder(Role.UNIT_HEAD, bureau)
    finance_head = _role_holder(Role.UNIT_HEAD, finance)
    if not (clerk and head and finance_head):
        return 0

    def new(title, *, recipients=None):
        body = (
            f"<p>为做好相关工作，现就{title[2:-3]}有关事项通知如下。</p>"
            "<h2>一、提高认识，加强领导</h2><p>各地要高度重视，明确责任分工。</p>"
            "<h2>二、突出重点，抓好落实</h2><p>（一）认真组织自查。（二）及时整改问题。</p>"
            "<h2>三、按时报送工作情况</h2><p>请于规定时间内将工作情况报送县教育局。</p>"
            "<p>（虚构演示数据）</p>"
        )
        return services.create_draft(
            clerk,
            issuing_unit=bureau,
            doc_type=DocType.NOTICE,
            title=title,
            body=body,
            main_recipients=recipients or towns,
            urgency=rng.choice(["", "", "", "urgent"]),
        )

    def signed(title):
        document = new(title)
        services.submit(
            clerk, document, reviewer=head, signer=head, countersigners=[(finance, finance_head)]
        )
        services.approve(head, document, opinion="同意，请财政局会签。")
        services.approve(finance_head, document, opinion="同意。")
        return services.approve(
            head, document, opinion="同意印发。", disclosure=Disclosure.PROACTIVE
        )

    made = 0
    new(TITLES[0])  # a draft
    made += 1
    in_review = new(TITLES[1])
    services.submit(clerk, in_review, reviewer=head, signer=head)  # waiting for the head
    made += 1
    countersign = new(TITLES[2])
    services.submit(
        clerk, countersign, reviewer=head, signer=head, countersigners=[(finance, finance_head)]
    )
    services.approve(head, countersign, opinion="同意。")  # waiting for the finance bureau
    made += 1
    signed(TITLES[3])  # signed off, waiting to be issued by the clerk
    made += 1
    for index, title in enumerate(TITLES[4:]):
        document = services.issue(clerk, signed(title))
        made += 1
        if index == 0:  # the oldest one is already filed
            services.archive_document(clerk, document, retention=services.Retention.PERMANENT)
        for distribution in document.distributions.select_related("unit"):
            if rng.random() < 0.6:
                town_clerk = _role_holder(Role.CLERK, distribution.unit)
                if town_clerk:
                    services.sign_for(town_clerk, distribution)
    # One town has let a sign-for run past its due date.
    late = services.Distribution.objects.filter(signed_for_at__isnull=True).order_by("id").first()
    if late is not None:
        late.due_date = timezone.localdate() - datetime.timedelta(days=2)
        late.save(update_fields=["due_date"])
        from zhengtong.core.models import WorkItem

        WorkItem.objects.filter(
            kind=services.SIGN_FOR_KIND, assignee_unit=late.unit, subject_id=str(late.document_id)
        ).update(due_date=late.due_date)
    return made


# Other departments' routine notices to the towns, issued and handled there, so every
# unit has a year's flow of documents to look at (titles are invented).
MORE_TITLES = {
    "水利局": ["关于做好汛期安全防范工作的通知", "关于开展农村饮水安全排查的通知"],
    "农业农村局": ["关于做好秋冬种生产工作的通知", "关于开展高标准农田建设检查的通知"],
    "应急管理局": ["关于开展安全生产大检查的通知", "关于做好森林防火工作的通知"],
    "民政局": ["关于做好困难群众冬季救助工作的通知", "关于开展养老机构安全检查的通知"],
    "卫生健康委员会": ["关于做好冬春季传染病防控工作的通知"],
}


def load_more(seed=2026):
    """Issued notices from five more departments; each town signs for most of them and
    the first town handles and archives one. Returns how many documents were made."""
    rng = random.Random(seed + 1)
    towns = list(
        Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("sort_order", "id")
    )
    made = 0
    for name, titles in MORE_TITLES.items():
        unit = Unit.objects.filter(kind=UnitKind.DEPARTMENT, name__contains=name).first()
        if unit is None or not unit.doc_prefix:
            continue
        clerk, head = _role_holder(Role.CLERK, unit), _role_holder(Role.UNIT_HEAD, unit)
        if not (clerk and head):
            continue
        for title in titles:
            document = services.create_draft(
                clerk,
                issuing_unit=unit,
                doc_type=DocType.NOTICE,
                title=title,
                body=f"<p>为切实做好{title[4:-3]}，现将有关事项通知如下。</p>"
                "<h2>一、工作要求</h2><p>各乡镇要明确专人负责，按时完成各项任务。</p>"
                "<p>（虚构演示数据）</p>",
                main_recipients=towns,
            )
            services.submit(clerk, document, reviewer=head, signer=head)
            services.approve(head, document, opinion="同意。")
            services.approve(head, document, disclosure=Disclosure.PROACTIVE)
            services.issue(clerk, document)
            made += 1
            for distribution in document.distributions.select_related("unit"):
                if rng.random() < 0.8:
                    town_clerk = _role_holder(Role.CLERK, distribution.unit)
                    if town_clerk:
                        services.sign_for(town_clerk, distribution)
    _handle_one(towns[0] if towns else None)
    return made


def _handle_one(town):
    """In the first town (the `clerk` demo log-in's), one received notice is handled
    to the end and archived, and another waits for the head's instruction."""
    if town is None:
        return
    clerk, head = _role_holder(Role.CLERK, town), _role_holder(Role.UNIT_HEAD, town)
    members = (
        list(
            User.objects.filter(memberships__unit=town, is_active=True).exclude(
                pk__in=[clerk.pk, head.pk]
            )
        )
        if clerk and head
        else []
    )
    records = list(services.IncomingRecord.objects.filter(unit=town).order_by("id")[:2])
    if not (clerk and head and members and records):
        return
    done = records[0]
    services.propose(clerk, done, proposal=f"请{members[0].real_name}同志办理。", head=head)
    services.instruct(
        head, done, instruction="同意。", handlers=[members[0]], due_in_working_days=5
    )
    services.finish_task(members[0], done, comment="已按要求完成排查并报送情况。")
    services.close_incoming(clerk, done, result="已按要求办结。", reply_to_sender=True)
    services.archive_incoming(clerk, done, retention=services.Retention.YEARS_10)
    if len(records) > 1:
        services.propose(clerk, records[1], proposal="建议由镇安监办牵头办理。", head=head)
