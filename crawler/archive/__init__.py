"""WARC archive of what the crawl fetched (writing, checking, reading back); see docs/archive.md."""
