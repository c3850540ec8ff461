"""Portal templates, one module a look, registered by name.

zh_mobile (A, seed-like mobile site), zh_classic (B, old portal with <br> body),
en_modern (C, <article> + JSON-LD), en_herald (D, table layout, no structured data).

HELD_OUT_TEMPLATES are portals the extraction was never tuned on (zh_people, zh_portal_163,
en_wire, en_local); `get_template` resolves them too, but the demo and the default test
matrix use TEMPLATES only.
"""

from __future__ import annotations

from demo.templates.base import Listing, Site, Template
from demo.templates.en_herald import EnHerald
from demo.templates.en_local import EnLocal
from demo.templates.en_modern import EnModern
from demo.templates.en_wire import EnWire
from demo.templates.zh_classic import ZhClassic
from demo.templates.zh_mobile import ZhMobile
from demo.templates.zh_people import ZhPeople
from demo.templates.zh_portal_163 import ZhPortal163

TEMPLATES: dict[str, type[Template]] = {
    t.name: t for t in (ZhMobile, ZhClassic, EnModern, EnHerald)
}

HELD_OUT_TEMPLATES: dict[str, type[Template]] = {
    t.name: t for t in (ZhPeople, ZhPortal163, EnWire, EnLocal)
}
"""Generalisation test portals: never used to tune extraction, not served by the demo."""


def get_template(name: str) -> Template:
    """Instantiate a registered template by name."""
    known = {**TEMPLATES, **HELD_OUT_TEMPLATES}
    try:
        return known[name]()
    except KeyError:
        raise ValueError(f"unknown template {name!r}; have {sorted(known)}") from None


__all__ = ["HELD_OUT_TEMPLATES", "TEMPLATES", "Listing", "Site", "Template", "get_template"]
