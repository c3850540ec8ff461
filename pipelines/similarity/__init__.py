"""Near-duplicate text detection: SimHash fingerprints and a bounded index to query them."""

from pipelines.similarity.simhash import SimHashIndex, hamming, simhash

__all__ = ["SimHashIndex", "hamming", "simhash"]
