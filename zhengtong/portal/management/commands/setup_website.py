"""Create the website's skeleton (home page and sections) for the county, once."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhengtong.org.models import Unit, UnitKind
from zhengtong.portal.sitetree import ensure_site


class Command(BaseCommand):
    help = "Create the home page and the sections of the public website (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--office",
            type=int,
            help="Id of the unit that runs the website (default: the county government).",
        )
        parser.add_argument("--hostname", default="localhost")

    def handle(self, *args, office=None, hostname="localhost", **options):
        county = Unit.objects.filter(kind=UnitKind.COUNTY, parent__isnull=True).first()
        if county is None:
            raise CommandError(_("There is no county yet: create the unit tree first."))
        if office is not None:
            office_unit = Unit.objects.filter(pk=office).first()
            if office_unit is None:
                raise CommandError(_("No unit with id %(id)s.") % {"id": office})
        else:
            office_unit = county.children.filter(kind=UnitKind.GOVERNMENT).first() or county
        home = ensure_site(county, hostname=hostname, office=office_unit)
        self.stdout.write(_("The website is set up: %(title)s.") % {"title": home.title})
