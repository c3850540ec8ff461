"""``make bench``: crawl a local portal of real-size pages and compare with the extraction bound."""
