"""The SimHash index a distributed crawl shares in Redis (``shared``); the fingerprints and the
in-process index are the reader's (``reader.simhash``)."""
