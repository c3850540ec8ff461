"""Project commands: ``crawl`` (with argument checks and a cron-friendly exit status) and
``evaluate`` (extraction quality on benchmark folders)."""
