from django.core.management.base import BaseCommand

from zhengtong.portal.cms_permissions import sync_all
from zhengtong.portal.workflow import ensure_review_workflow


class Command(BaseCommand):
    help = (
        "Bring the website editor's permissions in step with the units and roles: one "
        "editors group per unit with its page subtrees, the reviewers, the IT centre; and "
        "make sure the three-step review workflow covers the site."
    )

    def handle(self, *args, **options):
        workflow = ensure_review_workflow()
        units, people = sync_all()
        self.stdout.write(
            f"units with pages: {units}; people synced: {people}; "
            f"review workflow: {workflow or 'no home page yet'}"
        )
