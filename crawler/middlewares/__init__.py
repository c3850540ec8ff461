"""Downloader and spider middlewares of the news crawler."""
