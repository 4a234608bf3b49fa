"""Health checks of the process (/healthz, /readyz), for the load balancer and monitoring.

The staff pages that once lived here are in `zhengtong.workspace` (above `org`)."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

# --- health -------------------------------------------------------------------------


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive (no dependencies checked)."""
    return JsonResponse({"status": "ok"})


def readiness() -> dict[str, bool]:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = True
    except Exception:
        checks["database"] = False
    try:
        cache.set("zt:readyz", "1", 10)
        checks["cache"] = cache.get("zt:readyz") == "1"
    except Exception:
        checks["cache"] = False
    try:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
        checks["task_queue"] = True
    except Exception:
        checks["task_queue"] = False
    return checks


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Database, cache and task queue reachable: 200, else 503 naming what failed."""
    checks = readiness()
    ok = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )
