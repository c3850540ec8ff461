"""Downloader middlewares: what may be fetched, how faults are retried, and back-pressure
from the reader pool."""
