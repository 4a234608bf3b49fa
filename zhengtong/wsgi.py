import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengtong.settings")
application = get_wsgi_application()

# Cached public pages are answered before Django's request handling (portal/cache.py).
from zhengtong.portal.cache import answer_before_django  # noqa: E402

application = answer_before_django(application)
