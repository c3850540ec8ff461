"""Demo and fixture news portals: authored corpus, page templates, builder and HTTP server.

The portals are what the crawler is demoed and tested against; they imitate the chrome
of real Chinese and English news sites in several markup styles.
"""

from __future__ import annotations

from demo.builder import Portal, build_portal
from demo.model import Article, ArticleTruth, PortalTruth

__all__ = ["Article", "ArticleTruth", "Portal", "PortalTruth", "build_portal"]
