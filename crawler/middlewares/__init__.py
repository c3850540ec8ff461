"""Downloader middlewares: what may be fetched, and how faults are retried."""
