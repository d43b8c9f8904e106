"""A stand-in for the web on 127.0.0.1: pages, files, redirects, slow and broken answers, and
HTTPS with a certificate for a made-up site name from a certificate authority made at test time.

Links reach it only as the bot's operator would allow a local network (``links.allow_networks``
= 127.0.0.1); a test of the default setting sees it refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOCAL = [ipaddress.ip_network("127.0.0.1/32")]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Site:
    """Routes served on 127.0.0.1, and every request it received (path, Host header)."""

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None
    _closing: asyncio.Event = field(default_factory=asyncio.Event)

    def page(self, path: str, body: bytes | str, content_type: str = "text/html",
             status: int = 200, headers: dict[str, str] | None = None) -> None:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body

        async def serve(request: web.Request) -> web.StreamResponse:
            response = web.Response(body=data, status=status, headers=headers or {})
            response.content_type = content_type
            return response

        self.routes[path] = serve

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        async def serve(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": location})

        self.routes[path] = serve

    def stall(self, path: str, seconds: float) -> None:
        """An answer that comes after ``seconds``, or never if the site is stopped first."""

        async def serve(request: web.Request) -> web.StreamResponse:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), seconds)
            return web.Response(text="late")

        self.routes[path] = serve

    def endless(self, path: str, content_type: str = "text/html") -> None:
        """A body that never ends (no Content-Length): the bot must stop reading at its limit."""

        async def serve(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": content_type})
            await response.prepare(request)
            chunk = b"<p>" + b"more words " * 10_000 + b"</p>"
            try:
                for _ in range(100_000):
                    await response.write(chunk)
            except (ConnectionError, RuntimeError):
                pass  # the bot hung up, as it should
            return response

        self.routes[path] = serve

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path_qs, request.headers.get("Host", "")))
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="Not Found")
        return await handler(request)

    async def start(self, tls: ssl.SSLContext | None = None) -> Site:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=tls)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()


def resolver(names: dict[str, str]) -> Callable[[str, int], Awaitable[list[str]]]:
    """A DNS stand-in: made-up names to addresses; any other name does not exist."""

    async def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise OSError(f"no such host {host}")
        return [names[host]]

    return resolve


@dataclass(frozen=True)
class Certificates:
    """A certificate authority, and a server context whose certificate it signed for a name."""

    authority: Path  # the CA's certificate, PEM: what a client must trust
    server: ssl.SSLContext

    def client(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.authority))


def certificates(folder: Path, name: str) -> Certificates:
    """Make a CA and a certificate for ``name`` signed by it (elliptic keys: fast)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test authority")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    authority = folder / "ca.pem"
    authority.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain = folder / "server.pem"
    chain.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    )  # fmt: skip
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(chain)
    return Certificates(authority, server)
