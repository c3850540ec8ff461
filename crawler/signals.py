"""Signals the crawler's components send each other (instead of shared globals)."""

# Sent by the extraction stage for every page it read: site=str, reading=PageReading-like
# object with .kind, .blocks (template keys of the page's lines) and .url.
page_read = object()
