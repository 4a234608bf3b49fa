"""Write (or refresh) every published public page as a file for nginx.

    manage.py publish_static [--host www.example.gov.cn] [--clear]

Each live page without a view restriction is requested through the application, as an
anonymous visitor would, so the file holds exactly the bytes the site serves and the
cache records what it depends on (portal/cache.py, portal/static_pages.py). After that
the files follow publication by themselves; run this after enabling PORTAL_STATIC_DIR,
after a deployment that changes templates, or with --clear to start again.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http.request import split_domain_port, validate_host
from django.test import Client
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from zhengtong.portal import cache, static_pages


class Command(BaseCommand):
    help = "Write every published public page as a file for nginx (PORTAL_STATIC_DIR)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            action="append",
            dest="hosts",
            help="Public host name the pages are written for, as nginx sees it "
            "(default: the host of PUBLIC_BASE_URL). May be given more than once.",
        )
        parser.add_argument("--clear", action="store_true", help="Remove every page file first.")

    def handle(self, *args, hosts=None, clear=False, **options):
        if not static_pages.root():
            raise CommandError(
                _("PORTAL_STATIC_DIR is not set: there is nowhere to write the pages.")
            )
        if not cache.enabled():
            raise CommandError(_("The page cache is switched off (PORTAL_CACHE=0)."))
        hosts = hosts or [urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"]
        for host in hosts:
            domain, _port = split_domain_port(host)
            if (
                not domain
                or not validate_host(domain, settings.ALLOWED_HOSTS)
                or static_pages.relative_path(domain, "/") is None
            ):
                raise CommandError(
                    _("%(host)s is not a host name this site answers to (ALLOWED_HOSTS).")
                    % {"host": host}
                )
        if clear:
            cache.invalidate_now({"*"})
        written = skipped = 0
        for host in hosts:
            domain, _port = split_domain_port(host)
            site = (
                Site.objects.filter(hostname=domain).first()
                or Site.objects.filter(is_default_site=True).first()
            )
            if site is None:
                raise CommandError(_("There is no website yet (manage.py setup_website)."))
            pages = (
                Page.objects.live()
                .public()
                .descendant_of(site.root_page, inclusive=True)
                .order_by("path")
            )
            client = Client(HTTP_HOST=domain, secure=settings.SECURE_SSL_REDIRECT)
            for page in pages:
                parts = page.get_url_parts()
                if parts is None:
                    continue
                path = parts[2]
                client.cookies.clear()
                response = client.get(path)
                relative = static_pages.relative_path(domain, path)
                if (
                    response.status_code == 200
                    and relative
                    and (static_pages.root() / relative).exists()
                ):
                    written += 1
                else:
                    skipped += 1
                    self.stderr.write(
                        _("Not written: %(path)s (status %(status)s)")
                        % {"path": path, "status": response.status_code}
                    )
        self.stdout.write(
            _("%(written)d pages written to %(dir)s, %(skipped)d not written.")
            % {"written": written, "dir": static_pages.root(), "skipped": skipped}
        )
