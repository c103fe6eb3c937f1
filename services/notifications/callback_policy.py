"""Which callback URLs and addresses the chain may send webhooks to (pure; docs/adr/0012).

A subscriber chooses the URL, so without a rule it could point the chain at its own
network: a database port, an admin page, the cloud's metadata service (server-side
request forgery). In production a callback must use https and every address its host
resolves to must be public; deployments whose partners sit on an internal network list
those networks in `NOTIFICATIONS_CALLBACK_ALLOWED_NETWORKS`. Cloud metadata addresses
are refused even then. Development and test send where the URL says.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

from shared.contracts.fields import MAX_URL_LENGTH

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

METADATA_ADDRESSES = frozenset(
    ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, Azure, Google Cloud, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS container credentials
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
UNIQUE_LOCAL = ip_network("fc00::/7")
NAT64 = ip_network("64:ff9b::/96")  # IPv6 addresses a NAT64 gateway turns into the IPv4 address in their last 32 bits


@dataclass(frozen=True)
class CallbackPolicy:
    require_https: bool
    public_addresses_only: bool
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def for_environment(cls, environment: str, allowed_networks: tuple[IPNetwork, ...] = ()) -> CallbackPolicy:
        """Production refuses; development and test (local receivers over http) do not."""
        production = environment not in ("development", "test")
        return cls(require_https=production, public_addresses_only=production, allowed_networks=allowed_networks)

    def url_problem(self, url: str) -> str | None:
        """What is wrong with the URL as written (no lookup), or None."""
        if len(url) > MAX_URL_LENGTH:
            return f"is longer than {MAX_URL_LENGTH} characters"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "must be an http(s) URL with a host"
        if self.require_https and parts.scheme != "https":
            return "must use https"
        return None

    def address_problem(self, address: IPAddress) -> str | None:
        """None when the chain may connect to `address`; otherwise what kind of address it is."""
        address = translated_ipv4(address) or address  # the IPv4 address the connection really reaches
        candidates = (*tunnelled_ipv4(address), address)
        if any(candidate in METADATA_ADDRESSES for candidate in candidates):
            return "cloud metadata"
        if not self.public_addresses_only or any(address in network for network in self.allowed_networks):
            return None
        for candidate in candidates:
            kind = non_public_kind(candidate)
            if kind is not None:
                return kind
        return None


def non_public_kind(address: IPAddress) -> str | None:
    """The first special-purpose kind `address` is of, or None for a public unicast address."""
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unique-local", isinstance(address, IPv6Address) and address in UNIQUE_LOCAL),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    return next((kind for kind, applies in checks if applies), None)


def translated_ipv4(address: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`) address stands for."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return IPv4Address(int(address) & 0xFFFFFFFF) if address in NAT64 else None


def tunnelled_ipv4(address: IPAddress) -> list[IPv4Address]:
    """IPv4 addresses a 6to4 or Teredo address leads to: each must pass as well as the address itself."""
    if isinstance(address, IPv4Address):
        return []
    found = [address.sixtofour, *(address.teredo or ())]
    return [candidate for candidate in found if candidate is not None]
