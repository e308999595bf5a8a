"""Credentials for a remote SPARQL endpoint: HTTP Basic or Digest, whichever the server asks for.

They come from ``PCG_SPARQL_USER`` / ``PCG_SPARQL_PASSWORD`` (kg.config), else from a netrc file
(``NETRC``, else ``~/.netrc``) entry for the endpoint's host. They are sent only when the server
answers 401 with a challenge for that URL (Virtuoso's ``/sparql-auth`` asks for Digest), and they
never appear in a message: :func:`redacted` strips any ``user:password@`` from a URL shown in one,
and a netrc file that cannot be read is reported by its path alone (its parser quotes tokens).
"""

from __future__ import annotations

import netrc
import os
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kg.config import sparql_credentials
from kg.errors import EndpointError


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)  # never in a repr, a log line or an error

    def __str__(self) -> str:
        return f"Credentials(user={self.user!r}, password=…)"


def redacted(url: str) -> str:
    """``url`` without any ``user:password@`` part."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def netrc_path() -> Path:
    return Path(os.environ.get("NETRC") or Path.home() / ".netrc")


def from_netrc(url: str, path: Path | None = None) -> Credentials | None:
    path = path or netrc_path()
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError):
        raise EndpointError(f"the netrc file {path} cannot be read (check its syntax and permissions)") from None
    if not entry or not entry[0]:
        return None
    return Credentials(entry[0], entry[2] or "")


def credentials_for(url: str) -> Credentials | None:
    """The configured credentials for ``url``: the environment variables first, then netrc."""
    configured = sparql_credentials()
    if configured is not None:
        return Credentials(*configured)
    return from_netrc(url)


def opener(urls: list[str], credentials: Credentials | None) -> urllib.request.OpenerDirector:
    """An opener that answers a Basic or a Digest challenge from any of ``urls`` with ``credentials``."""
    if credentials is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    for url in urls:
        if url:
            passwords.add_password(None, redacted(url), credentials.user, credentials.password)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                       urllib.request.HTTPBasicAuthHandler(passwords))
