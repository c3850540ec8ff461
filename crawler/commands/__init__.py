"""Project commands: ``crawl`` (with argument checks and a cron-friendly exit status),
``evaluate`` (extraction quality on benchmark folders), ``seed`` (a distributed crawl's
frontier), and Scrapy's debugging commands ``parse``, ``fetch``, ``view`` and ``shell`` made
to work under the address policy."""
