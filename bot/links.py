"""Fetching a link for the library: a web page, PDF, EPUB, Word file or plain text, within
limits of time, size and redirects, and only from the public internet.

A link is a request the bot makes on a member's behalf, from the machine it runs on, so it
must never reach what only that machine can reach (the machine itself, its network, a cloud's
metadata service). Only ``http`` and ``https`` are fetched. The host is resolved once per hop
and every address it resolves to must be public (not loopback, private, shared, link-local,
multicast, reserved or unspecified, IPv4 inside IPv6 included); the connection is then made to
the very address that was checked, with the host's name in the ``Host`` header and for TLS
(its certificate is verified against the name), so a DNS answer that changes between the check
and the connection (rebinding) changes nothing. Every redirect is checked the same way.
Networks an operator trusts (an intranet wiki) may be allowed by ``links.allow_networks``;
the tests serve pages on 127.0.0.1 that way. No Telegram imports.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

import httpx

TIMEOUT = 20.0  # seconds for the whole fetch, redirects included
MAX_REDIRECTS = 5
MAX_PAGE_BYTES = 5_000_000  # a web page with its inline scripts; the article is far smaller
MAX_TEXT_BYTES = 2_000_000  # plain text, as for a file (bot.ingest.MAX_BYTES)
MAX_BOOK_BYTES = 20_000_000  # a PDF, EPUB or Word file, as for a file (bot.ingest)
MAX_URL_CHARS = 2048
USER_AGENT = "reading-group-bot/0.1 (adds an article a member linked to their group's library)"
ACCEPT = (
    "text/html,application/xhtml+xml,application/pdf,application/epub+zip,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1"
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

# What a Content-Type says the body is, as the file ending the library reads it by.
KINDS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/epub+zip": ".epub",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
}
UNTYPED = ("", "application/octet-stream", "binary/octet-stream", "application/download")
BOOKS = (".pdf", ".epub", ".docx")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IPv6 forms that carry an IPv4 address or reach a local network, which ipaddress counts as
# global: IPv4-compatible (deprecated), IPv4-translated, and local-use NAT64.
_BARRED = [ipaddress.ip_network(n) for n in ("::/96", "::ffff:0:0:0/96", "64:ff9b:1::/48")]
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi)$",
    re.I,
)
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


class LinkError(Exception):
    """A link cannot be fetched or is not an article; the message says why, for a member."""


@dataclass(frozen=True)
class Fetched:
    """What a link gave: the body, the kind of file it is, and where it was finally served."""

    url: str  # after redirects
    kind: str  # ".html", ".pdf", ".epub", ".docx", ".txt" or ".md"
    data: bytes  # text kinds already decoded and encoded again as UTF-8
    name: str  # a file name for it, from the address: "what-is-to-be-done.html"

    @property
    def host(self) -> str:
        return httpx.URL(self.url).host


def find_link(text: str) -> str | None:
    """The link a message consists of ("https://…", maybe in <>), or None if it is not one."""
    stripped = text.strip().strip("<>")
    if not stripped or any(c.isspace() for c in stripped):
        return None
    match = _URL.fullmatch(stripped)
    return match[0] if match else None


def same_page(url: str) -> str:
    """A link as compared with others: no fragment, lower-case scheme and host, no trailing
    slash on the path."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        return url.strip()
    path = parsed.path.rstrip("/") or "/"
    return str(parsed.copy_with(fragment=None, path=path))


def check_url(url: str) -> httpx.URL:
    """A link the bot may try, or a refusal saying what is wrong with it."""
    text = url.strip()
    shown = text if len(text) <= 80 else text[:77] + "…"
    if len(text) > MAX_URL_CHARS:
        raise LinkError(f"That link is {len(text):,} characters long; I take links of up to "
                        f"{MAX_URL_CHARS:,}.")  # fmt: skip
    scheme = text.partition(":")[0].lower() if ":" in text else ""
    if scheme not in ("http", "https"):
        raise LinkError(f"{shown}: I only fetch http:// and https:// links.")
    unreadable = LinkError(f"{shown} is not a link I can read.")
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise unreadable
    try:
        parsed = httpx.URL(text)
        host = parsed.raw_host.decode("ascii")
        port = parsed.port
        # A label in IDNA form ("xn--…") must decode, as DNS and TLS will need it to.
        for label in host.split("."):
            if label.lower().startswith("xn--"):
                label.encode("ascii").decode("idna")
    except Exception:  # httpx, idna and the codecs raise several kinds; all mean one thing
        raise unreadable from None
    if not host:
        raise LinkError(f"{shown} names no site.")
    if port is not None and not 0 < port < 65536:
        raise unreadable
    if parsed.userinfo:
        raise LinkError(f"{shown}: I don't fetch links with a user name or password in them.")
    return parsed


def without_tracking(url: str) -> str:
    """A link without the parameters that only say where a reader clicked (utm_…, fbclid…)."""
    try:
        parsed = httpx.URL(url)
    except Exception:
        return url
    kept = [(k, v) for k, v in parsed.params.multi_items() if not _TRACKING.match(k)]
    if len(kept) == len(parsed.params.multi_items()):
        return url
    return str(parsed.copy_with(params=kept or None))


def parse_networks(values: Sequence[str]) -> list[Network]:
    """Networks to allow though they are not public, e.g. "10.1.0.0/16"; ValueError names the
    bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValueError(
                f'"{value}" is not an IP address or network like 10.1.0.0/16'
            ) from None
    return networks


def is_public(address: Address) -> bool:
    """Whether an address is on the public internet: not loopback, private, shared (CGNAT),
    link-local, multicast, reserved or unspecified, and no such IPv4 address inside IPv6."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in _BARRED):
            return False
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not address.is_multicast


def allowed(address: Address, allow: Sequence[Network]) -> bool:
    """Whether the bot may connect to an address: public, or in a network the operator allows."""
    return is_public(address) or any(address in network for network in allow)


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address a host name resolves to, as the system resolver gives them."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def fetch(
    url: str,
    *,
    allow: Sequence[Network] = (),
    resolve: Resolver = resolve_host,
    within: float = TIMEOUT,
    verify: ssl.SSLContext | bool = True,
) -> Fetched:
    """Fetch a link for the library, or raise :class:`LinkError` saying why not. ``verify``
    is httpx's: the certificate authorities trusted (the system's by default)."""
    start = check_url(url)
    try:
        async with asyncio.timeout(within):
            return await _fetch(start, allow, resolve, verify)
    except TimeoutError:
        raise LinkError(
            f"{start.host} did not answer within {within:.0f} seconds. Try again later, or "
            "save the page and send me the file."
        ) from None


async def _fetch(
    url: httpx.URL, allow: Sequence[Network], resolve: Resolver, verify: ssl.SSLContext | bool
) -> Fetched:
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    timeouts = httpx.Timeout(10.0)
    # No proxies from the environment (they would connect by name, past the address check) and
    # no automatic redirects (each hop is checked here first).
    async with httpx.AsyncClient(
        trust_env=False, follow_redirects=False, timeout=timeouts, headers=headers, verify=verify
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            response = await _connect(client, url, allow, resolve)
            try:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    if not location:
                        raise LinkError(f"{url.host} sent a redirect to nowhere.")
                    try:
                        target = str(url.join(location))
                    except Exception:  # httpx raises several kinds on a malformed location
                        raise LinkError(f"{url.host} redirects to a link I can't read.") from None
                    url = check_url(target)
                    continue
                _check_status(response, url)
                return await _body(response, url)
            finally:
                await response.aclose()
    raise LinkError(f"{url.host}: the link redirects more than {MAX_REDIRECTS} times.")


async def _connect(
    client: httpx.AsyncClient, url: httpx.URL, allow: Sequence[Network], resolve: Resolver
) -> httpx.Response:
    """Send the request to an address of the host that was checked, and no other."""
    host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS and TLS want it
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        literal: Address | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in await resolve(host, port)]
        except (OSError, UnicodeError, ValueError):
            addresses = []
        if not addresses:
            raise LinkError(f"I can't find the site {url.host}: check the link.")
    barred = [a for a in addresses if not allowed(a, allow)]
    if barred:
        # One local address among public ones is enough to refuse: the host is not what a
        # public web page is, and a rebinding host would use exactly that.
        where = "" if literal is not None else f" ({barred[0]})"
        raise LinkError(
            f"{url.host} is not on the public internet{where}; I only fetch public web pages."
        )
    host_header = host if url.port is None else f"{host}:{url.port}"
    last: Exception | None = None
    for address in addresses:
        try:
            pinned = url.copy_with(host=str(address))
            request = client.build_request(
                "GET", pinned, headers={"Host": host_header}, extensions={"sni_hostname": host}
            )
        except Exception:
            raise LinkError(f"{_short(url)} is not a link I can read.") from None
        try:
            return await client.send(request, stream=True)
        except httpx.ConnectError as exc:
            last = exc  # the next address of the host, if it has one
        except (httpx.InvalidURL, UnicodeError, ValueError):  # its answer's Location, read by httpx
            raise LinkError(f"{url.host} redirects to a link I can't read.") from None
        except httpx.TimeoutException:
            raise LinkError(f"{url.host} did not answer in time. Try again later.") from None
        except httpx.HTTPError as exc:
            if "location header" in str(exc).lower():
                raise LinkError(f"{url.host} redirects to a link I can't read.") from None
            raise LinkError(f"{url.host}: the connection failed ({_reason(exc)}).") from None
    if last is not None and "CERTIFICATE_VERIFY_FAILED" in str(last):
        raise LinkError(
            f"{url.host}: its certificate could not be verified, so I won't trust what it sends."
        )
    raise LinkError(f"I could not connect to {url.host}. Try again later.")


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _check_status(response: httpx.Response, url: httpx.URL) -> None:
    code = response.status_code
    if 200 <= code < 300 and code != 204:
        return
    said = f"{code} {response.reason_phrase}".strip()
    if code in (404, 410):
        raise LinkError(f"There is no page at {_short(url)} ({said}): check the link.")
    if code in (401, 402, 403, 451):
        raise LinkError(
            f"{url.host} would not give the page to the bot ({said}): it may need a login or a "
            "subscription. Save the page, or print it to PDF, and send me the file."
        )
    if code == 429:
        raise LinkError(f"{url.host} asks the bot to slow down ({said}); try again in a while.")
    if code >= 500:
        raise LinkError(f"{url.host} had an error ({said}); try again later.")
    raise LinkError(f"{url.host} answered {said} instead of the page.")


def _short(url: httpx.URL) -> str:
    text = str(url.copy_with(query=None, fragment=None))
    return text if len(text) <= 80 else text[:77] + "…"


async def _body(response: httpx.Response, url: httpx.URL) -> Fetched:
    media, _, params = response.headers.get("content-type", "").partition(";")
    media = media.strip().lower()
    suffix = PurePosixPath(unquote(url.path)).suffix.lower()
    kind = KINDS.get(media)
    if kind is None and media in UNTYPED:
        kind = suffix if suffix in (*BOOKS, ".html", ".htm", ".txt", ".md") else ""
    if kind is None:
        raise LinkError(_not_article(media, url))
    most = MAX_BOOK_BYTES if (kind in BOOKS or not kind) else MAX_PAGE_BYTES
    if kind in (".txt", ".md"):
        most = MAX_TEXT_BYTES
    stated = response.headers.get("content-length", "")
    if stated.isdigit() and int(stated) > most:
        raise LinkError(_too_big(url, int(stated), most))
    chunks, size = [], 0
    try:
        async for chunk in response.aiter_bytes():  # decompressed: a gzip bomb is counted
            size += len(chunk)
            if size > most:
                raise LinkError(_too_big(url, size, most, at_least=True))
            chunks.append(chunk)
    except httpx.DecodingError:
        raise LinkError(f"{url.host} sent a damaged (badly compressed) page.") from None
    except httpx.TimeoutException:
        raise LinkError(f"{url.host} stopped sending the page; try again later.") from None
    except httpx.HTTPError as exc:
        raise LinkError(f"{url.host}: the page was cut off ({_reason(exc)}).") from None
    data = b"".join(chunks)
    if not data.strip():
        raise LinkError(f"{_short(url)} is an empty page.")
    kind = kind or _sniff(data)
    if not kind:
        raise LinkError(_not_article("a file of unknown kind", url))
    if kind in (".html", ".htm", ".txt", ".md"):
        data = _as_utf8(data, params, html=kind.startswith(".htm"))
    return Fetched(str(url), ".html" if kind == ".htm" else kind, data, _name(url, kind))


def _not_article(media: str, url: httpx.URL) -> str:
    what = media.split("/")[0] if media.startswith(("image/", "video/", "audio/")) else media
    what = {"image": "a picture", "video": "a video", "audio": "a recording"}.get(what, what)
    return (
        f"{_short(url)} is {what}, not an article: I take web pages, PDF, EPUB, Word files and "
        "plain text."
    )


def _too_big(url: httpx.URL, size: int, most: int, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return (
        f"{_short(url)} is too big: {more}{size / 1e6:.1f} MB, and I take up to {most / 1e6:.0f} "
        "MB from a link."
    )


def _sniff(data: bytes) -> str:
    """The kind of an untyped body, from its first bytes."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".epub" if b"application/epub+zip" in data[:200] else ".docx"
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered:
        return ".html"
    return ""


def _as_utf8(data: bytes, params: str, *, html: bool) -> bytes:
    """Text in the charset its byte-order mark, server or page declares, else UTF-8, else the
    charset it most likely is (charset_normalizer, for a page that declares none), as UTF-8."""
    declared = ""
    match = re.search(r"charset\s*=\s*\"?([A-Za-z0-9._:-]+)", params, re.I)
    if match:
        declared = match[1]
    elif html and (meta := _META_CHARSET.search(data[:4096])):
        declared = meta[1].decode("ascii", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        declared = "utf-16"  # a byte-order mark outranks what is declared
    elif data.startswith(b"\xef\xbb\xbf"):
        declared = "utf-8-sig"
    for name in [declared] if declared else ["utf-8"]:
        try:
            codecs.lookup(name)
            return data.decode(name).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass
    import charset_normalizer  # only for a text that says nothing true of its charset

    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None:
        return str(guess).encode("utf-8")
    return data  # bot.ingest names the line that is not UTF-8


def _name(url: httpx.URL, kind: str) -> str:
    """A file name for what a link gave, from the last part of its path (or its host)."""
    stem = PurePosixPath(unquote(url.path)).stem
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")[:80] or url.host
    return f"{stem}{kind if kind != '.htm' else '.html'}"
