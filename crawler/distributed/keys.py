"""Names of the Redis keys one distributed crawl uses, all under one prefix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrawlKeys:
    """Every key of the crawl ``prefix``; ``scrapy seed --reset`` deletes exactly these."""

    prefix: str

    @property
    def queue(self) -> str:
        """Sorted set: JSON request -> score (-priority), the shared frontier."""
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        """Set of request fingerprints ever queued."""
        return f"{self.prefix}:dupefilter"

    @property
    def leases(self) -> str:
        """Sorted set: lease id -> deadline (ms, Redis clock) of requests a worker holds."""
        return f"{self.prefix}:leases"

    @property
    def lease_data(self) -> str:
        """Hash: lease id -> "<score> <JSON request>", what goes back to the queue on expiry."""
        return f"{self.prefix}:lease-data"

    @property
    def lease_seq(self) -> str:
        """Counter that makes lease ids unique."""
        return f"{self.prefix}:lease-seq"

    @property
    def dead(self) -> str:
        """Hash: lease id -> JSON request given up after too many expired leases."""
        return f"{self.prefix}:dead"

    @property
    def sites(self) -> str:
        """Hash: site name -> JSON site (start URLs, hosts, limits): the allowed hosts."""
        return f"{self.prefix}:sites"

    @property
    def workers(self) -> str:
        """Hash: worker id -> JSON summary of that worker's last run."""
        return f"{self.prefix}:workers"

    def lease_claims(self, lease_id: str = "") -> str:
        """Set of the claim keys a lease holds (prefix of those sets when no id is given)."""
        return f"{self.prefix}:lease-claims:{lease_id}"

    def claim(self, kind: str, value: str) -> str:
        """Who delivers the article with this canonical URL / text fingerprint: "<lease> <url>"
        while its page is in progress, "done <url>" once delivered."""
        return f"{self.prefix}:claim:{kind}:{value}"

    def pages(self, site: str) -> str:
        """Counter of pages queued for ``site`` (the shared page budget)."""
        return f"{self.prefix}:pages:{site}"

    def rate(self, origin: str) -> str:
        """Short-lived key whose life is the pause before ``origin``'s next request."""
        return f"{self.prefix}:rate:{origin}"

    # --- incremental state (survives `scrapy seed --reset`: it is what the next runs skip) ---

    def article(self, key: str) -> str:
        """Hash: a delivered article by the url_key of its canonical URL (fingerprint, simhash,
        first/last seen, ETag, Last-Modified)."""
        return f"{self.prefix}:state:article:{key}"

    def alias(self, key: str) -> str:
        """String: another url_key that reaches an article -> that article's key."""
        return f"{self.prefix}:state:alias:{key}"

    @property
    def recent(self) -> str:
        """Sorted set: article key -> last seen (epoch seconds)."""
        return f"{self.prefix}:state:recent"

    @property
    def runs(self) -> str:
        """Hash: "<worker>:<run id>" -> JSON run record (started, status, finished)."""
        return f"{self.prefix}:state:runs"

    def site_metrics(self, site: str) -> str:
        """Hash: crawl run id -> JSON of the site's figures in that run (all workers summed):
        the history its baseline is the median of (crawler.health)."""
        return f"{self.prefix}:state:site-metrics:{site}"

    def simhash_index(self, persistent: bool) -> str:
        """Prefix of the shared near-duplicate index: kept across runs with the state store,
        else per crawl (deleted by ``--reset``)."""
        return f"{self.prefix}:state:simhash" if persistent else f"{self.prefix}:simhash"

    def fixed(self) -> list[str]:
        return [
            self.queue,
            self.dupefilter,
            self.leases,
            self.lease_data,
            self.lease_seq,
            self.dead,
            self.sites,
            self.workers,
        ]

    def patterns(self) -> list[str]:
        """SCAN patterns of the per-site and per-host keys."""
        return [
            f"{self.prefix}:pages:*",
            f"{self.prefix}:rate:*",
            f"{self.prefix}:claim:*",
            f"{self.prefix}:lease-claims:*",
            f"{self.prefix}:simhash:*",
        ]
