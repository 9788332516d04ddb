"""The client's address, as the login throttle (django-axes, AXES_CLIENT_IP_CALLABLE) and the
password-reset throttle count it.

Behind the reverse proxy every request comes from the proxy's address (REMOTE_ADDR); the proxy
names the real client in X-Forwarded-For. That header is believed only when the request comes
from one of TRUSTED_PROXIES, and then read from the right: each hop appended by a trusted proxy
is skipped, the first address a trusted proxy did not write is the client. Anything further left
was written by the client itself and is ignored, so a forged header can neither spread one
attacker over many addresses nor put a user's lock on someone else's address. A request not from
a trusted proxy is counted under its own REMOTE_ADDR, whatever header it sends.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_trusted_proxy(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return request.META.get("REMOTE_ADDR", "") or ""
    if not is_trusted_proxy(remote, networks):
        return str(remote)
    client = remote
    hops = [hop for header in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") for hop in [header.strip()] if hop]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage written by the client: stop at the last address a proxy vouched for
        client = address
        if not is_trusted_proxy(address, networks):
            break
    return str(client)
