"""Local TCP ports for the servers the project starts (the endpoint, the app, a writable Oxigraph)."""

from __future__ import annotations

import socket

from kg.errors import EndpointError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_free(host: str, port: int) -> None:
    """Refuse a port something already listens on, with the option that chooses another."""
    with socket.socket() as s:
        if s.connect_ex((host, port)) == 0:
            raise EndpointError(f"port {port} on {host} is already in use; choose another with --port")
