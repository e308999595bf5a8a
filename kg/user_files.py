"""Files people hand to the CLI or the app (a query, a list of questions, a membership list): read
as UTF-8 text or refused with a one-line message that says what is wrong and where."""

from __future__ import annotations

from pathlib import Path

from kg.errors import UserFileError


def decode_text(data: bytes, where: str, what: str = "file") -> str:
    """``data`` as text (UTF-8, a byte-order mark allowed, Windows line ends read as plain ones)."""
    if b"\x00" in data[:8192]:
        raise UserFileError(f"this {what} is binary, not text", path=where)
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UserFileError(f"this {what} is not UTF-8 text (byte {err.start}); save it as UTF-8", path=where,
                            line=line) from None


def read_text(path: Path, what: str = "file") -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserFileError(f"{what} not found", path=path) from None
    except IsADirectoryError:
        raise UserFileError(f"is a folder, not a {what}", path=path) from None
    except PermissionError:
        raise UserFileError(f"the {what} cannot be read (permission denied)", path=path) from None
    return decode_text(data, str(path), what)
