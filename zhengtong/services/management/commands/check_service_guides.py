"""List every published service guide and confirm its 8 key elements (docs/conformance.md
SRV-1: 事项名称, 设定依据, 申请条件, 办理材料, 办理地点, 办理时间, 联系电话, 办理流程).

Exit status 1 when any published guide lacks a key element (with --strict, also when
anything is flagged, such as a vague catch-all material). --work-items opens a
"complete the guide" work item for the unit of each guide lacking a key element.
"""

from django.core.management.base import BaseCommand, CommandError

from zhengtong.services import services
from zhengtong.services.checks import KEY_ELEMENTS, guide_problems
from zhengtong.services.selectors import public_items


class Command(BaseCommand):
    help = "Check that every published service guide has the 8 key elements."

    def add_arguments(self, parser):
        parser.add_argument("--strict", action="store_true", help="Fail on warnings too.")
        parser.add_argument(
            "--work-items",
            action="store_true",
            help="Open a work item for the unit of each incomplete guide.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print only the problems.")

    def handle(self, *args, strict=False, work_items=False, quiet=False, **options):
        items = public_items().prefetch_related("materials", "steps").order_by("unit_id", "name")
        failed = flagged = count = 0
        for item in items:
            count += 1
            problems = guide_problems(item)
            missing = [p for p in problems if p.blocks]
            warnings = [p for p in problems if not p.blocks]
            ok = not missing and not (strict and warnings)
            if ok and not quiet:
                status = "OK" if not warnings else f"OK, {len(warnings)} warning(s)"
                self.stdout.write(f"{status:<18} {item.implementation_code}  {item.unit} · {item}")
            if not ok:
                self.stdout.write(
                    f"{'PROBLEM':<18} {item.implementation_code}  {item.unit} · {item}"
                )
            for problem in missing + (warnings if strict or not quiet else []):
                self.stdout.write(f"    - {problem.severity}: {problem.message}")
            if missing:
                failed += 1
                if work_items:
                    services.flag_incomplete_guide(None, item)
            if warnings:
                flagged += 1
        self.stdout.write(
            f"{count} published guide(s) checked for the {len(KEY_ELEMENTS)} key elements: "
            f"{failed} lacking a key element, {flagged} with warnings."
        )
        if failed or (strict and flagged):
            raise CommandError("Some published service guides are incomplete.", returncode=1)
