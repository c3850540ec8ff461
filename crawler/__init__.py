"""Scrapy package of the news crawler: finds pages and hands them to the pipelines."""
