"""Distributed crawl: N workers on N machines share one frontier in Redis (scrapy-redis).

Off unless ``NEWS_REDIS_URL`` (or the environment variable ``REDIS_URL``) names a server;
see ``crawler.addons.RedisMode`` for what the switch turns on.
"""
