"""Layout registry: one parser per text layout, chosen by name or detected from the text.

Register a new layout with ``@register("name")`` on a :class:`~ingest.layouts.base.Layout`
subclass; ``parse_text`` then finds it by the name in an instrument's ``metadata.json``.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.errors import SourceTextError, UnknownLayoutError
from ingest.layouts.base import Layout
from ingest.layouts.engine import Engine
from ingest.model import ParsedInstrument

_REGISTRY: dict[str, type[Layout]] = {}


def register(name: str) -> Callable[[type[Layout]], type[Layout]]:
    def decorate(cls: type[Layout]) -> type[Layout]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def layout_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def get_layout(name: str, path: str | None = None) -> Layout:
    """The layout registered as ``name``; ``path`` is the file that named it, for the message."""
    _load_builtin()
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise UnknownLayoutError(
            f"unknown layout '{name}'; known layouts: {', '.join(sorted(_REGISTRY))}", path=path
        ) from None


def detect_layout(text: str, path: str = "<text>") -> str:
    """The best-fitting layout for ``text``; refuses a text no layout recognises."""
    _load_builtin()
    scores = {name: cls().detect(text) for name, cls in _REGISTRY.items()}
    best = max(scores, key=scores.get)
    if scores[best] < 0.2:
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        raise SourceTextError(
            "could not recognise the layout (no 'Article N', 'N Heading' sections or '§ N' found); "
            f"pass --layout. First line: {first[:80]!r}",
            path=path,
            line=1,
        )
    return best


def parse_text(
    text: str, *, instrument_id: str, layout: str, short_title: str, path: str = "<text>"
) -> ParsedInstrument:
    engine = Engine(get_layout(layout), instrument_id, text, path)
    engine.short_title = short_title
    return engine.run()


def _load_builtin() -> None:
    if _REGISTRY:
        return
    from ingest.layouts import acts, eu, national, treaty  # noqa: F401  (registers layouts)


__all__ = ["register", "get_layout", "detect_layout", "parse_text", "layout_names", "Layout"]
