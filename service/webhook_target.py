"""Where a webhook may go, and the one POST that goes there.

Saving a URL refuses the internal addresses written literally (every form the C resolver reads:
`0x7f000001`, `2130706433`, `0`, `127.1`, `[::ffff:127.0.0.1]`, `localhost.`); no DNS then, as a name
can change what it points to. The real check is at delivery: the host is resolved once, the POST is
refused if any of its addresses is internal, and the connection goes to the address that was
checked (no second lookup), with the URL's Host header and, for https, SNI and the certificate
checked against the hostname. Redirects are not followed and the receiver's answer is never read:
the caller stores only a short error class.
"""

import ipaddress
import re
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges Python's flags let through in some version: CGNAT is neither private nor global in 3.11,
# multicast counts as global, and 192.0.0.0/24 and 198.18.0.0/15 were only partly private.
BLOCKED_V4 = tuple(ipaddress.ip_network(net) for net in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
ERROR_CLASS = re.compile(r"[a-z0-9_]{1,40}")
PERMANENT_ERRORS = frozenset({"refused_internal_address", "invalid_url"})


class RefusedAddress(requests.RequestException):
    """The host is, or resolves to, an internal address."""


class UnresolvableHost(requests.ConnectionError):
    """The host has no address."""


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, 6to4, NAT64), if any."""
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address in IPV4_COMPATIBLE or any(address in net for net in NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def internal_address(address: Address) -> bool:
    """Loopback, private, link-local, CGNAT, multicast, unspecified or reserved, in any form."""
    if address.version == 6:
        carried = embedded_ipv4(address)
        if carried is not None and internal_address(carried):
            return True
        if address.is_site_local:
            return True
    elif any(address in net for net in BLOCKED_V4):
        return True
    return (not address.is_global or address.is_private or address.is_loopback or address.is_link_local
            or address.is_multicast or address.is_unspecified or address.is_reserved)


def literal_address(host: str) -> Address | None:
    """The address a host names by itself, read as the resolver would (inet_aton forms too)."""
    host = host.strip("[]").split("%")[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def internal_url(url: str) -> bool:
    """Save-time check: `localhost` or a literal internal address (names are checked when sent)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    address = literal_address(host)
    return address is not None and internal_address(address)


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (tests replace this to point a name anywhere)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnresolvableHost(host) from exc
    return [info[4][0] for info in infos]


def checked_address(host: str, port: int, allow_internal: bool) -> str:
    """One address to connect to, after checking every address the host resolves to."""
    addresses = resolve(host, port)
    if not addresses:
        raise UnresolvableHost(host)
    if not allow_internal and any(internal_address(ipaddress.ip_address(a.split("%")[0]))
                                  for a in addresses):
        raise RefusedAddress(host)
    return addresses[0]


class PinnedAdapter(HTTPAdapter):
    """Connects to the checked address of the URL's host, whatever DNS would answer next."""

    def __init__(self, allow_internal: bool):
        self.allow_internal = allow_internal
        super().__init__(max_retries=0)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        hostname, scheme = host_params["host"], host_params["scheme"]
        port = host_params["port"] or (443 if scheme == "https" else 80)
        host_params["host"] = checked_address(hostname, port, self.allow_internal)
        if scheme == "https":  # SNI and the certificate name are the URL's host, not the address
            pool_kwargs.update(server_hostname=hostname, assert_hostname=hostname)
        return host_params, pool_kwargs

    def add_headers(self, request, **kwargs):
        request.headers["Host"] = urlsplit(request.url).netloc.rpartition("@")[2]


def error_class(exc: requests.RequestException) -> str:
    for kind, name in ((RefusedAddress, "refused_internal_address"), (UnresolvableHost, "unresolvable_host"),
                       (requests.Timeout, "timeout"), (requests.exceptions.SSLError, "tls_error"),
                       (requests.ConnectionError, "connection_error"),
                       ((requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
                         requests.exceptions.MissingSchema), "invalid_url")):
        if isinstance(exc, kind):
            return name
    return "request_error"


def post(url: str, body: bytes, headers: dict, timeout: float, allow_internal: bool = False,
         verify: bool | str = True) -> str:
    """POST once: "" when the receiver answered 2xx, else a short error class (never its answer)."""
    with requests.Session() as http:
        http.trust_env = False  # a proxy from the environment would look the name up again
        adapter = PinnedAdapter(allow_internal)
        http.mount("http://", adapter)
        http.mount("https://", adapter)
        try:
            with http.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False,
                           stream=True, verify=verify) as response:
                status = response.status_code
        except requests.RequestException as exc:
            return error_class(exc)
    return "" if 200 <= status < 300 else f"http_{status}"


def shown_error(stored: str | None) -> str:
    """The error class to show; rows stored before it may hold the receiver's answer."""
    if not stored:
        return ""
    return stored if ERROR_CLASS.fullmatch(stored) else "error"
