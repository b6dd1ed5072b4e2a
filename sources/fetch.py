"""Fetching feeds over HTTP the way a polite, careful client does.

Conditional GET (ETag, Last-Modified), gzip, a User-Agent that says who we are, connect and
read timeouts within one deadline for the whole fetch, caps on the size of the headers and
the body, and a bounded number of redirects. The read timeout is a deadline for the whole
answer, which every single read of the socket keeps (status line, headers, chunk sizes,
body): a server sending a byte every few seconds cannot stretch the fetch.

Every host is resolved here and each address (and port) checked before connecting, on every
redirect hop, and the connection goes to the checked address, so DNS cannot swap in an
internal one in between.
"""

import http.client
import io
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import partial
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

from .urlnorm import DEFAULT_PORTS

PRODUCT = "Newsroom/1.0"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
# IPv6 networks whose last 32 bits are an IPv4 address the traffic goes to: NAT64 (RFC 6052),
# IPv4-compatible (deprecated, RFC 4291) and IPv4-translated (SIIT, RFC 2765).
IPV4_WRAPPING_NETWORKS = [
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
]
# Local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the local set-up.
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
CHUNK = 64 * 1024
# Status and header lines of an answer, interim "100 Continue" answers included.
MAX_HEADER_LINES = 100
# Characters left as they are when a URL's path and query are made safe for the request line.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


class FetchError(Exception):
    """The feed could not be fetched. The message is written for the feed's admin page."""

    retry_after: float | None = None


class RefusedAddress(FetchError):
    """The address is not one we fetch from (scheme, or a non-public IP address)."""


class TooLarge(FetchError):
    pass


class HeadersTooLarge(TooLarge):
    pass


class Gone(FetchError):
    """HTTP 410: the publisher says the feed is gone for good."""


class HTTPStatusError(FetchError):
    def __init__(self, status: int, reason: str, retry_after: float | None = None):
        super().__init__(f"The server answered HTTP {status} {reason}".rstrip())
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limits:
    connect_timeout: float
    read_timeout: float
    # For the whole fetch: every redirect hop, and every address tried for each.
    total_timeout: float
    max_bytes: int
    max_header_bytes: int
    max_redirects: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            connect_timeout=settings.FEEDS_CONNECT_TIMEOUT,
            read_timeout=settings.FEEDS_READ_TIMEOUT,
            total_timeout=settings.FEEDS_TOTAL_TIMEOUT,
            max_bytes=settings.FEEDS_MAX_BYTES,
            max_header_bytes=settings.FEEDS_MAX_HEADER_BYTES,
            max_redirects=settings.FEEDS_MAX_REDIRECTS,
        )


@dataclass(frozen=True)
class Response:
    status: int  # 200, or 304 when the feed has not changed
    url: str  # where the answer came from, after any redirects
    moved_to: str  # the new address when every redirect was permanent, else ""
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


def user_agent() -> str:
    return f"{PRODUCT} (feed fetcher; +{settings.SITE_URL}/)"


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for addresses on the public internet: not loopback, private, link-local etc."""
    if ip.version == 6:
        if ip in LOCAL_NAT64:
            return False
        embedded = _embedded_ipv4(ip)
        if embedded:
            return is_public_address(embedded)
    return ip.is_global and not ip.is_multicast


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms that wrap one."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if any(ip in network for network in IPV4_WRAPPING_NETWORKS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def allowed_ports() -> set[int]:
    ports = settings.FEEDS_ALLOWED_PORTS
    if isinstance(ports, str):
        ports = ports.split(",")
    return {int(port) for port in ports if str(port).strip()}


def _allowed_networks() -> list:
    networks = settings.FEEDS_ALLOWED_PRIVATE_NETWORKS
    if isinstance(networks, str):
        networks = networks.split(",")
    return [ipaddress.ip_network(net.strip(), strict=False) for net in networks if net.strip()]


def is_allowed_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if is_public_address(ip) or settings.FEEDS_ALLOW_PRIVATE_ADDRESSES:
        return True
    return any(ip.version == net.version and ip in net for net in _allowed_networks())


def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` that we may connect to, or RefusedAddress if there are none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"Could not resolve the host name {host}: {error}") from error
    allowed, refused = [], []
    for *_, sockaddr in infos:
        address = sockaddr[0]
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        (allowed if is_allowed_address(ip) else refused).append(address)
    if not allowed:
        raise RefusedAddress(
            f"Refused to connect to {host}: it resolves to {', '.join(dict.fromkeys(refused))}, "
            "which is not a public internet address (see FEEDS_ALLOW_PRIVATE_ADDRESSES)."
        )
    return list(dict.fromkeys(allowed))


def _remaining(deadline: float) -> float:
    """Seconds left until ``deadline``; TimeoutError when there are none."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    return remaining


def _connect(addresses: list[str], port: int, timeout: float, deadline: float) -> socket.socket:
    """A connection to the first of the checked ``addresses`` that answers by ``deadline``."""
    error = None
    for address in addresses:
        attempt_timeout = min(timeout, _remaining(deadline))
        try:
            return socket.create_connection((address, port), attempt_timeout)
        except OSError as failure:
            error = failure
    raise error


class _DeadlineReader(io.RawIOBase):
    """A socket's reader (``raw``), where no read waits past ``deadline``."""

    def __init__(self, raw, sock: socket.socket, deadline: float):
        self.raw = raw
        self.sock = sock
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        self.sock.settimeout(_remaining(self.deadline))
        return self.raw.readinto(buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()


class _CappedHead:
    """The reader of an answer while its status line and headers are read, within limits."""

    def __init__(self, reader, max_bytes: int):
        self.reader = reader
        self.max_bytes = max_bytes
        self.bytes_left = max_bytes
        self.lines_left = MAX_HEADER_LINES

    def readline(self, limit: int = -1) -> bytes:
        if self.lines_left == 0:
            raise HeadersTooLarge(f"The server sent more than {MAX_HEADER_LINES} header lines.")
        size = self.bytes_left + 1 if limit < 0 else min(limit, self.bytes_left + 1)
        line = self.reader.readline(size)
        self.bytes_left -= len(line)
        self.lines_left -= 1
        if self.bytes_left < 0:
            raise HeadersTooLarge(
                f"The answer's headers are larger than {self.max_bytes:,} bytes "
                "(FEEDS_MAX_HEADER_BYTES)."
            )
        return line

    def close(self) -> None:
        self.reader.close()


class _Answer(http.client.HTTPResponse):
    """An HTTP answer read by ``deadline``, every read of it, with its head capped in size."""

    def __init__(self, sock, *args, deadline: float, max_header_bytes: int, **kwargs):
        super().__init__(sock, *args, **kwargs)
        self.fp = io.BufferedReader(_DeadlineReader(self.fp.detach(), sock, deadline))
        self.max_header_bytes = max_header_bytes

    def begin(self):
        reader = self.fp
        self.fp = _CappedHead(reader, self.max_header_bytes)
        try:
            super().begin()
        finally:
            if self.fp is not None:  # else http.client closed the connection
                self.fp = reader


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the addresses that were checked, while naming the host in the request."""

    def __init__(self, host: str, port: int, addresses: list[str], timeout: float, deadline):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses
        self.deadline = deadline

    def connect(self):
        self.sock = _connect(self.addresses, self.port, self.timeout, self.deadline)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, addresses: list[str], timeout: float, deadline):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.addresses = addresses
        self.deadline = deadline

    def connect(self):
        sock = _connect(self.addresses, self.port, self.timeout, self.deadline)
        # The TLS handshake, however slow its bytes come, ends by this timeout.
        sock.settimeout(min(self.timeout, _remaining(self.deadline)))
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
    except (TypeError, ValueError):
        return None


def _decode(body: bytes, encoding: str, max_bytes: int) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in {"", "identity"}:
        return body
    if encoding in {"gzip", "x-gzip"}:
        decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    elif encoding == "deflate":
        decompressor = zlib.decompressobj()
    else:
        raise FetchError(f"The server sent an unsupported Content-Encoding: {encoding}.")
    try:
        data = decompressor.decompress(body, max_bytes + 1)
    except zlib.error as error:
        raise FetchError(f"The compressed response is corrupt: {error}") from error
    if len(data) > max_bytes:
        raise TooLarge(f"The feed is larger than {max_bytes:,} bytes once decompressed.")
    return data


class _Hop:
    """One request and its answer, on its own connection, finished by ``deadline``."""

    def __init__(self, url: str, headers: dict, limits: Limits, deadline: float):
        self.url = url
        self.headers = headers
        self.limits = limits
        self.deadline = deadline

    def connection(self):
        parts = urlsplit(self.url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise RefusedAddress(f"Only http and https addresses are fetched, not {scheme}:.")
        if not parts.hostname:
            raise FetchError("The address has no host name.")
        if parts.username or parts.password:
            raise RefusedAddress("Addresses with a user name or password are not fetched.")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError as error:
            raise FetchError(f"The address has an invalid port: {error}") from error
        if port not in allowed_ports():
            ports = ", ".join(map(str, sorted(allowed_ports())))
            raise RefusedAddress(
                f"Refused to connect to port {port} of {parts.hostname}: only ports {ports} "
                "are fetched from (see FEEDS_ALLOWED_PORTS)."
            )
        addresses = resolve(parts.hostname, port)
        target = quote(parts.path or "/", safe=_URL_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=_URL_SAFE)
        connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        timeout = self.limits.connect_timeout
        conn = connection_class(parts.hostname, port, addresses, timeout, self.deadline)
        return conn, target

    def _timed_out(self) -> FetchError:
        return FetchError(
            f"Timed out: the fetch took longer than {self.limits.total_timeout:g} s in all "
            "(FEEDS_TOTAL_TIMEOUT)."
        )

    def run(self):
        conn, target = self.connection()
        try:
            try:
                conn.connect()
            except TimeoutError as error:
                if time.monotonic() >= self.deadline:
                    raise self._timed_out() from error
                raise FetchError(
                    f"Timed out after {self.limits.connect_timeout:g} s connecting to {conn.host}."
                ) from error
            deadline = min(time.monotonic() + self.limits.read_timeout, self.deadline)
            conn.sock.settimeout(_remaining(deadline))
            max_header_bytes = self.limits.max_header_bytes
            conn.response_class = partial(
                _Answer, deadline=deadline, max_header_bytes=max_header_bytes
            )
            conn.request("GET", target, headers=self.headers)
            response = conn.getresponse()
            if response.status in REDIRECTS or response.status == 304:
                return response, b""
            if response.status == 410:
                raise Gone("The server answered HTTP 410 Gone: the feed was removed.")
            if not 200 <= response.status < 300:
                retry_after = _retry_after(response.getheader("Retry-After"))
                raise HTTPStatusError(response.status, response.reason, retry_after)
            return response, self._read_body(response)
        except TimeoutError as error:
            if time.monotonic() >= self.deadline:
                raise self._timed_out() from error
            raise FetchError(
                f"Timed out: no complete answer from {conn.host} within "
                f"{self.limits.read_timeout:g} s."
            ) from error
        finally:
            conn.close()

    def _read_body(self, response) -> bytes:
        max_bytes = self.limits.max_bytes
        length = response.getheader("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise TooLarge(f"The feed is {int(length):,} bytes; the limit is {max_bytes:,}.")
        chunks, size = [], 0
        # The response closes the socket itself once the whole body has been read.
        while not response.isclosed():
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"The feed is larger than the limit of {max_bytes:,} bytes.")
            chunks.append(chunk)
        return _decode(b"".join(chunks), response.getheader("Content-Encoding", ""), max_bytes)


def fetch(url: str, *, etag: str = "", last_modified: str = "", limits: Limits | None = None):
    """GET ``url`` and return a Response (200 or 304), or raise FetchError saying why not."""
    limits = limits or Limits.from_settings()
    headers = {
        "User-Agent": user_agent(),
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    moved_to, still_permanent = "", True
    deadline = time.monotonic() + limits.total_timeout
    for _ in range(limits.max_redirects + 1):
        try:
            response, body = _Hop(url, headers, limits, deadline).run()
        except ssl.SSLError as error:
            raise FetchError(f"TLS error talking to {urlsplit(url).hostname}: {error}") from error
        except (http.client.HTTPException, ValueError) as error:
            raise FetchError(f"Not a valid HTTP answer: {error!r}") from error
        except OSError as error:
            raise FetchError(f"Connection failed: {error.strerror or error}") from error
        if response.status not in REDIRECTS:
            return Response(
                status=response.status,
                url=url,
                moved_to=moved_to,
                body=body,
                content_type=response.getheader("Content-Type", ""),
                etag=response.getheader("ETag", ""),
                last_modified=response.getheader("Last-Modified", ""),
            )
        location = response.getheader("Location")
        if not location:
            raise FetchError(f"HTTP {response.status} redirect without a Location header.")
        url = urljoin(url, location.strip())
        still_permanent = still_permanent and response.status in PERMANENT_REDIRECTS
        if still_permanent:
            moved_to = url
    raise FetchError(f"More than {limits.max_redirects} redirects.")
