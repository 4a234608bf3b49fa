"""Request context for the audit trail: who is acting and from which address."""

import contextvars

_current = contextvars.ContextVar("zt_request", default=None)


def client_ip(request):
    # Behind the county's nginx the real address arrives in X-Real-IP (set by our
    # deploy/nginx.conf); X-Forwarded-For from the client itself is not trusted.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


def current_request():
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
