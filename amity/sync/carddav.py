"""Speak the few CardDAV requests a sync needs, over http.client, with XML from ElementTree.

PROPFIND (is it an address book; every card's ETag), REPORT addressbook-multiget (many
cards in one request),
and PUT/DELETE guarded by ETags so a card changed on the server meanwhile is never
overwritten blindly. One keep-alive connection is reused while the server allows it.
"""

from __future__ import annotations

import base64
import http.client
import ssl
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

DAV, CARD = "DAV:", "urn:ietf:params:xml:ns:carddav"
MULTIGET_SIZE = 250
TIMEOUT = 60.0
_NS = {"d": DAV, "c": CARD}


class DavError(Exception):
    """The server refused or failed a request; the message says which and why."""


class DavAuthError(DavError):
    """The server refused the username or password."""


class CardDavClient:
    """A client for one address book collection at `url`."""

    def __init__(self, url: str, username: str, password: str) -> None:
        """Prepare to talk to the collection; nothing is sent yet."""
        parts = urlsplit(url)
        self.url, self.scheme, self.netloc = url, parts.scheme, parts.netloc
        self.path = parts.path if parts.path.endswith("/") else parts.path + "/"
        basic = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self.auth = f"Basic {basic}"
        self._connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        """Close the connection, if one is open."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            if self.scheme == "https":
                self._connection = http.client.HTTPSConnection(
                    self.netloc, timeout=TIMEOUT, context=ssl.create_default_context()
                )
            else:
                self._connection = http.client.HTTPConnection(self.netloc, timeout=TIMEOUT)
        return self._connection

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request (retried once on a stale keep-alive connection); return the reply."""
        sent = {"Authorization": self.auth, **(headers or {})}
        for attempt in (1, 2):
            connection = self._connect()
            try:
                connection.request(method, path, body=body, headers=sent)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.getheader("connection", "").lower() == "close":
                self.close()
            reply = {k.lower(): v for k, v in response.getheaders()}
            if response.status == 401:
                raise DavAuthError(f"{self.netloc} refused the username or password")
            return response.status, reply, data
        raise AssertionError("unreachable")

    def _xml(self, method: str, body: str, depth: str, path: str | None = None) -> ET.Element:
        status, _, data = self.request(
            method,
            path or self.path,
            body.encode(),
            {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"},
        )
        if status != 207:
            raise DavError(f"{method} {path or self.path} answered {status}: {data[:200]!r}")
        return ET.fromstring(data)

    def check(self) -> None:
        """Make sure the URL is an address book the credentials may read."""
        root = self._xml(
            "PROPFIND",
            '<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>',
            "0",
        )
        if root.find(".//d:resourcetype/c:addressbook", _NS) is None:
            raise DavError(f"{self.url} is not a CardDAV address book")

    def etags(self) -> dict[str, str]:
        """Return every card's href and ETag (PROPFIND, Depth 1)."""
        root = self._xml(
            "PROPFIND",
            '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop>'
            "</d:propfind>",
            "1",
        )
        found = {}
        for response in root.findall("d:response", _NS):
            href = self._href(response)
            etag = response.findtext(".//d:getetag", "", _NS)
            if href != self.path and etag and response.find(".//d:collection", _NS) is None:
                found[href] = etag
        return found

    def fetch(self, hrefs: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Return {href: (etag, vCard text)} for `hrefs`, many per addressbook-multiget."""
        wanted = list(hrefs)
        cards: dict[str, tuple[str, str]] = {}
        for start in range(0, len(wanted), MULTIGET_SIZE):
            part = wanted[start : start + MULTIGET_SIZE]
            body = (
                '<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
                "<d:prop><d:getetag/><c:address-data/></d:prop>"
                + "".join(f"<d:href>{_escape(h)}</d:href>" for h in part)
                + "</c:addressbook-multiget>"
            )
            for response in self._xml("REPORT", body, "1").findall("d:response", _NS):
                data = response.findtext(".//c:address-data", None, _NS)
                if data is not None:
                    etag = response.findtext(".//d:getetag", "", _NS)
                    cards[self._href(response)] = (etag, data)
        return cards

    def put(self, href: str, text: str, etag: str | None) -> str | None:
        """Create (etag None) or replace the card at href; return its new ETag if given.

        Raises DavError with "changed on the server" when the ETag no longer matches.
        """
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        headers.update({"If-Match": etag} if etag else {"If-None-Match": "*"})
        status, reply, data = self.request("PUT", href, text.encode(), headers)
        if status == 412:
            raise DavError(f"{href} changed on the server meanwhile")
        if status not in (200, 201, 204):
            raise DavError(f"PUT {href} answered {status}: {data[:200]!r}")
        return reply.get("etag")

    def delete(self, href: str, etag: str) -> None:
        """Delete the card at href if it is still the version we know."""
        status, _, data = self.request("DELETE", href, None, {"If-Match": etag} if etag else {})
        if status not in (200, 204, 404):
            raise DavError(f"DELETE {href} answered {status}: {data[:200]!r}")

    def href_for(self, name: str) -> str:
        """Return the href of a new card called `name` in this collection."""
        return self.path + name

    def _href(self, response: ET.Element) -> str:
        raw = response.findtext("d:href", "", _NS).strip()
        # Servers may answer with full URLs or paths: keep the path, encoded as sent.
        return urlsplit(urljoin(self.url, raw)).path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
