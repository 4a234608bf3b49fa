"""Investor enquiries (投资咨询) from the public form at /zsyz/zxly/.

`submit_enquiry` stores the enquiry and opens a work item, due in three working days,
for the unit answering investors: `SiteSettings.investment_unit` of the default site,
or the government office (the owner of the home page) when none is set. Its staff
mark it answered with `answer_enquiry`, which closes the item. The answer note is kept
in the audit trail (the enquiry model has no field for it).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from zhengtong.core import audit, calendar, workitems
from zhengtong.core.errors import Conflict, Invalid
from zhengtong.core.validators import validate_phone
from zhengtong.org import permissions

from .models import InvestorEnquiry, SiteSettings

ENQUIRY_ITEM_KIND = "portal.enquiry"
REPLY_WORKING_DAYS = 3
MESSAGE_MAX = 2000
NOTE_MAX = 1000


def enquiry_unit():
    """The unit answering investor enquiries, or None before the site is set up."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        settings = SiteSettings.for_site(site)
        if settings.investment_unit_id:
            return settings.investment_unit
    from .catalogue import government_office

    return government_office()


def reply_due_date(start=None):
    """The date by which an enquiry made on `start` (today) is answered."""
    return calendar.add_working_days(start or timezone.localdate(), REPLY_WORKING_DAYS).date


def enquiry_url(enquiry):
    return f"/oa/website/enquiries/{enquiry.pk}/"


@transaction.atomic
def submit_enquiry(*, name, phone, message, company="", email="", project=None):
    """Store an investor's enquiry and give it to the answering unit as a work item.
    Raises Invalid for a missing name, phone or message, a bad phone number or a message
    that is too long (the form checks the same first)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name, company, phone = (name or "").strip(), (company or "").strip(), (phone or "").strip()
    email, message = (email or "").strip(), (message or "").strip()
    if not name:
        raise Invalid(_("Enter your name."), field="name")
    if not message:
        raise Invalid(_("Write your enquiry."), field="message")
    if len(message) > MESSAGE_MAX:
        raise Invalid(
            _("The enquiry may be at most %(max)d characters.") % {"max": MESSAGE_MAX},
            field="message",
        )
    try:
        validate_phone(phone)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], field="phone") from exc
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise Invalid(_("Enter a valid e-mail address."), field="email") from exc
    unit = enquiry_unit()
    if unit is None:
        raise Invalid(
            _("Enquiries cannot be received at the moment: please telephone us instead."),
            code="no_unit",
        )
    enquiry = InvestorEnquiry.objects.create(
        project=project,
        name=name[:50],
        company=company[:100],
        phone=phone[:40],
        email=email,
        message=message,
        unit=unit,
    )
    who = enquiry.company or enquiry.name
    workitems.open_work_item(
        None,
        kind=ENQUIRY_ITEM_KIND,
        title=_("Investor enquiry from %(who)s") % {"who": who},
        assignee_unit=unit,
        subject=enquiry,
        url=enquiry_url(enquiry),
        due_in_working_days=REPLY_WORKING_DAYS,
        unit=unit,
    )
    # Personal data stays out of the audit trail: the record names the enquiry only.
    audit.record(
        None,
        "portal.enquiry.submit",
        enquiry,
        unit=unit,
        changes={"project": [None, getattr(project, "pk", None)]},
    )
    return enquiry


@transaction.atomic
def answer_enquiry(actor, enquiry, note):
    """Mark an enquiry answered (by telephone, e-mail or in person, as `note` says)
    and close its work item."""
    enquiry = InvestorEnquiry.objects.select_for_update().get(pk=enquiry.pk)
    acting = permissions.require(actor, "portal.answer_enquiry", enquiry)
    if enquiry.answered_at is not None:
        raise Conflict(_("This enquiry has already been answered."), code="answered")
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Say how the enquiry was answered."), field="note")
    if len(note) > NOTE_MAX:
        raise Invalid(
            _("The note may be at most %(max)d characters.") % {"max": NOTE_MAX}, field="note"
        )
    enquiry.answered_at = timezone.now()
    enquiry.answer_note = note
    enquiry.answered_by = acting.person
    enquiry.save(update_fields=["answered_at", "answer_note", "answered_by"])
    workitems.close_items_for(enquiry, kind=ENQUIRY_ITEM_KIND, actor=acting)
    audit.record(
        acting,
        "portal.enquiry.answer",
        enquiry,
        unit=enquiry.unit,
        changes={"answered_at": [None, enquiry.answered_at], "note": [None, note]},
    )
    return enquiry
