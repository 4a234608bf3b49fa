"""Rebuild the website's part of the search index: every live public page again."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from zhengtong.portal import search_index


class Command(BaseCommand):
    help = "Rebuild the search index of the public website (all live public pages)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search_index.rebuild()
        self.stdout.write(_("%(count)d pages indexed.") % {"count": count})
