"""Signals the crawler's components send each other (instead of shared globals)."""

# Sent by the extraction stage for every page it read: site=str, reading=PageReading-like
# object with .kind, .blocks (template keys of the page's lines) and .url.
page_read = object()

# Sent for a request that ended without a page (download failure, refused by the address
# policy, disallowed by robots.txt): url=str, reason=str, details=dict. The rejects file
# lists it like a rejected page.
request_rejected = object()

# Sent by the extraction stage when it hands a page to the reader pool: url=str. Every
# page_queued is followed by one page_read for the same URL (timeouts included), so a
# listener can count pages waiting in the pool.
page_queued = object()

# Sent by the extraction stage for a later page of a multi-page article that reached the crawl
# on its own (it is dropped, never an item): site=str, url=str (the article's first page). The
# spider requests that first page, which fetches and merges the later pages.
article_continuation = object()

# Sent by the robots.txt middleware when a robots.txt it fetched answered 2xx: url=str (the
# robots.txt URL asked for), text=str (the part it parsed). The spider reads the Sitemap:
# lines from it instead of fetching robots.txt a second time.
robots_read = object()

# Sent by the run summary when the run ends, after it wrote its file: summary=dict (the
# summary's content, alarms included), path=Path|None (where it was written). The run report
# and the metrics textfile are written from it, so nothing is counted twice.
run_summarised = object()

# Sent by a spider that will hand on no more pages (``scrapy reextract`` read every input, or
# the run is stopping); no arguments. Pages held for site-template learning then wait only
# for the pages still in the reader pool, not for more of their site.
pages_exhausted = object()
