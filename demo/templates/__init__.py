"""Portal templates, one module a look, registered by name.

zh_mobile (A, seed-like mobile site), zh_classic (B, old portal with <br> body),
en_modern (C, <article> + JSON-LD), en_herald (D, table layout, no structured data).
"""

from __future__ import annotations

from demo.templates.base import Listing, Site, Template
from demo.templates.en_herald import EnHerald
from demo.templates.en_modern import EnModern
from demo.templates.zh_classic import ZhClassic
from demo.templates.zh_mobile import ZhMobile

TEMPLATES: dict[str, type[Template]] = {
    t.name: t for t in (ZhMobile, ZhClassic, EnModern, EnHerald)
}


def get_template(name: str) -> Template:
    """Instantiate a registered template by name."""
    try:
        return TEMPLATES[name]()
    except KeyError:
        raise ValueError(f"unknown template {name!r}; have {sorted(TEMPLATES)}") from None


__all__ = ["TEMPLATES", "Listing", "Site", "Template", "get_template"]
