"""The client's address: the one answer for the audit trail, the rate limits, the
sign-in lockout (django-axes, `AXES_CLIENT_IP_CALLABLE`) and the captcha.

A forwarding header is believed only when the request reaches the server from a
trusted proxy: the socket address (`REMOTE_ADDR`) is in `TRUSTED_PROXIES` (addresses
or networks, empty by default). Behind the shipped nginx that is 127.0.0.1, and nginx
sets `X-Real-IP` to the address it saw. From anyone else the header is ignored: a
client could otherwise choose its own address, escape the rate limits and write a
forged address into the audit trail.
"""

import functools
import ipaddress
import logging
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The header our nginx sets (deploy/nginx.conf: proxy_set_header X-Real-IP $remote_addr).
FORWARDED_HEADER = "HTTP_X_REAL_IP"


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            logger.warning("TRUSTED_PROXIES: %r is not an address or network; ignored", entry)
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    """The networks of `settings.TRUSTED_PROXIES` (a list, or one comma-separated text)."""
    configured: str | Iterable[str] = getattr(settings, "TRUSTED_PROXIES", ()) or ()
    if isinstance(configured, str):
        configured = configured.split(",")
    return _networks(tuple(e.strip() for e in configured if e and e.strip()))


def _address(value: str | None) -> str | None:
    """The text as a normalised IP address, or None when it is not one."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def is_trusted_proxy(address: str | None) -> bool:
    parsed = _address(address)
    if parsed is None:
        return False
    ip = ipaddress.ip_address(parsed)
    return any(ip in network for network in trusted_proxies())


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the forwarding header's when the socket address is a
    trusted proxy, the socket address otherwise (None when neither is an address)."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is not None and is_trusted_proxy(remote):
        forwarded = _address(request.META.get(FORWARDED_HEADER))
        if forwarded is not None:
            return forwarded
    return remote
