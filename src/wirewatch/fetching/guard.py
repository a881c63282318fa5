"""The SSRF guard: the watcher connects only to public addresses unless an admin allows internal ones.

A source URL is written by whoever can add sources, and every redirect hop is chosen by a server we do not
control; either could point us at 169.254.169.254 (cloud metadata), 127.0.0.1 (our own admin) or a private
network. Checking the URL's host name is not enough: a name can resolve to anything, and resolve differently on
the next lookup (DNS rebinding). So the check happens where the socket is opened: the name is resolved once
here, every address is checked, and the connection goes to the checked address itself, never to the name.

Written by hand because httpx has no hook for this; httpcore's documented network-backend interface
(``connect_tcp``) is the one place where the host is turned into a socket. TLS still verifies the certificate
against the URL's host name (httpcore passes it as ``server_hostname`` separately from the address).

Setting ``WIREWATCH_ALLOW_INTERNAL_SOURCES``: empty (the default) refuses every non-public address; ``all``
allows everything; otherwise a comma-separated list of networks (``127.0.0.1/32,10.1.0.0/16``) to allow.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import typing

import httpcore
import httpx
from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class InternalAddressRefused(Exception):
    """Raised at connect time; the client reports it as a fetch of kind ``blocked``."""


@functools.lru_cache(maxsize=8)
def _allowed_networks(spec: tuple[str, ...]) -> tuple[Network, ...] | None:
    """None means "allow all"; an empty tuple means "public addresses only"."""
    if any(item.lower() in ("all", "1", "true", "yes") for item in spec):
        return None
    return tuple(
        ipaddress.ip_network(item, strict=False) for item in spec if item not in ("0", "false", "no")
    )


def allowed_networks() -> tuple[Network, ...] | None:
    spec = getattr(settings, "WIREWATCH_ALLOW_INTERNAL_SOURCES", ())
    if isinstance(spec, str):
        spec = spec.split(",")
    return _allowed_networks(tuple(item.strip() for item in spec if item.strip()))


def _plain(address: Address) -> Address:
    """An IPv4-mapped or 6to4/NAT64-embedded IPv4 address judged as the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in ipaddress.ip_network("64:ff9b::/96"):  # RFC 6052 NAT64 well-known prefix
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: Address) -> bool:
    """Global unicast only: not loopback, private (RFC 1918, ULA), link-local (metadata), CGNAT, reserved,
    multicast or unspecified (Python's ``is_global`` follows the IANA special-purpose registries)."""
    plain = _plain(address)
    return plain.is_global and not plain.is_multicast


def check_address(ip: str) -> None:
    """Raise InternalAddressRefused unless ``ip`` may be connected to under the current setting."""
    address = _plain(ipaddress.ip_address(ip.split("%", 1)[0]))  # drop an IPv6 zone id
    allowed = allowed_networks()
    if allowed is None or is_public(address):
        return
    if any(address.version == net.version and address in net for net in allowed):
        return
    raise InternalAddressRefused(
        f"{address} is an internal address; set WIREWATCH_ALLOW_INTERNAL_SOURCES to allow it"
    )


def resolve_checked(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, all checked: one internal answer refuses the whole name."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise httpcore.ConnectError(f"cannot resolve {host!r}: {error}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for ip in addresses:
        check_address(ip)
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to addresses ``resolve_checked`` approved."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for ip in resolve_checked(host, port):
            try:
                return super().connect_tcp(ip, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:  # try the next address, as getaddrinfo callers do
                last = error
        raise last or httpcore.ConnectError(f"no address for {host!r}")


def guarded_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    """An httpx transport whose connections all go through GuardedBackend.

    httpx builds its httpcore pool without a way to pass a network backend, so we set the pool's backend after
    construction (``_network_backend`` is the attribute httpcore's pool reads on every new connection);
    tests/hostile/sources/test_ssrf.py fails if a future httpcore stops honouring it.
    """
    transport = httpx.HTTPTransport(limits=limits)
    transport._pool._network_backend = GuardedBackend()  # noqa: SLF001 (see the docstring)
    return transport
