"""Settings of the news crawler: every default in one place.

Scrapy's own settings come first, then the project's ``NEWS_*`` settings, each with a
comment saying what it does. Any of them can be overridden with ``-s NAME=VALUE``.
"""

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"

# --- Politeness -------------------------------------------------------------------------
USER_AGENT = "newscrawler/0.1 (+https://github.com/newscrawler/newscrawler; news archiving bot)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
COOKIES_ENABLED = False

# --- Safety and limits --------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
# Seconds one download may take in all (a slow-drip server is cut off here).
DOWNLOAD_TIMEOUT = 30
# Bytes of one response at most, compressed or decompressed (Scrapy's HttpCompressionMiddleware
# applies it while decompressing, so a gzip bomb is cut off too); larger is "too large".
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# Redirect hops per request; a longer chain or a loop is "too many redirects".
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_HANDLERS = {
    # Only http and https: a page must never make the crawler read local files or other schemes.
    "file": None,
    "s3": None,
    "ftp": None,
    "data": None,
}

# --- Hostile web: address policy, faults, limits (see docs/architecture.md) ----------------
# Never connect to private, loopback, link-local, multicast or reserved addresses, except the
# origins the user named (crawler.addresspolicy); checked on every hop and on the resolved
# address at connect time.
NEWS_ADDRESS_POLICY_ENABLED = True
# URLs whose origins count as named besides the spider's sites: scrapy fetch, view and shell
# set it to the URL given on their command line (a redirect elsewhere is still refused).
NEWS_NAMED_URLS = []
TWISTED_DNS_RESOLVER = "crawler.resolver.PolicyResolver"
# Retries wait NEWS_RETRY_BACKOFF_BASE * 2**(n-1) seconds (at most NEWS_RETRY_BACKOFF_MAX), or
# the server's Retry-After; a Retry-After above NEWS_RETRY_AFTER_MAX is given up at once.
NEWS_RETRY_BACKOFF_BASE = 1.0
NEWS_RETRY_BACKOFF_MAX = 30.0
NEWS_RETRY_AFTER_MAX = 120.0
# A page given up after its retries is counted and rejected, not an error of the crawler.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# robots.txt bytes parsed at most (RFC 9309 asks parsers to read at least 500 KiB).
NEWS_ROBOTSTXT_MAX_BYTES = 500 * 1024
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.addresspolicy.AddressPolicyMiddleware": 40,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robotstxt.StrictRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    # Scrapy's meta-refresh redirects without decoding pages that cannot hold one.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.metarefresh.CheapMetaRefreshMiddleware": 580,
    # Last before the download itself: holds requests while the reader pool is full.
    "crawler.middlewares.readgate.ReadGate": 950,
    # Next to the downloader: archives every response as received (off unless NEWS_WARC_*).
    "crawler.archive.middleware.WarcArchiveMiddleware": 960,
}
# Puts where a page was archived (WARC file, offset) on its item; off with the archive.
SPIDER_MIDDLEWARES = {"crawler.archive.middleware.ArchiveLocation": 950}
# A run stops cleanly (finish reason closespider_timeout) before an hourly cron window ends.
CLOSESPIDER_TIMEOUT = 50 * 60
# The crawl stops cleanly (finish reason memusage_exceeded, exit status 1) above this RSS.
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 2048
MEMUSAGE_WARNING_MB = 1536
MEMUSAGE_CHECK_INTERVAL_SECONDS = 10.0
# Feeds are written one whole line at a time (a killed crawl leaves no partial line).
FEED_EXPORTERS = {
    "jsonlines": "crawler.export.LineJsonLinesExporter",
    "jsonl": "crawler.export.LineJsonLinesExporter",
    "jl": "crawler.export.LineJsonLinesExporter",
}
# Count every page's outcome and log that they add up (crawler.extensions.accounting).
NEWS_ACCOUNTING_ENABLED = True

# --- Crawl order and breadth -----------------------------------------------------------------
DEPTH_PRIORITY = 0

# --- Components ---------------------------------------------------------------------------------
# Scrapy's in-memory stats, without the deprecation shim Scrapy puts on every stats call.
STATS_CLASS = "crawler.stats.PlainStatsCollector"
ITEM_PIPELINES = {
    "pipelines.extract.ExtractionPipeline": 100,
    "pipelines.clean.CleaningPipeline": 200,
    # `scrapy reextract -a languages=...` only; off otherwise.
    "crawler.archive.languages.LanguageFilter": 250,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.validate.ValidationPipeline": 400,
}
EXTENSIONS = {
    "crawler.extensions.rejects.RejectsFile": 10,
    "crawler.extensions.statekeeper.StateKeeper": 20,
    "crawler.extensions.runsummary.RunSummary": 30,
    # The live progress line, the HTML run report and the Prometheus metrics (their data
    # comes from RunSummary).
    "crawler.extensions.progress.Progress": 31,
    "crawler.extensions.report.RunReport": 32,
    "crawler.extensions.metrics.RunMetrics": 33,
    "crawler.extensions.accounting.PageAccounting": 40,
    "crawler.extensions.reactorlag.ReactorLag": 50,
    "crawler.extensions.statsfile.StatsFile": 60,
    # Old scheduled runs' files removed when a run ends (NEWS_OUTPUT_KEEP_*).
    "crawler.extensions.retention.RunRetention": 65,
    # Log records below LOG_LEVEL dropped where they are made (Scrapy builds, then filters).
    "crawler.extensions.loglevel.LogLevelAtSource": 70,
}

# --- Export -----------------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
# The default feed, used when the command line names none (-o/-O): one file per run, named
# by the run's start time (UTC).
NEWS_DEFAULT_FEED = "output/%(name)s/%(run_start)s.jsonl"
ADDONS = {"crawler.addons.DefaultFeed": 0}
# Retention of the default feed's folder (scheduled runs only; never a -o/-O feed): when a
# run ends, the files of runs older than NEWS_OUTPUT_KEEP_DAYS days, or beyond the newest
# NEWS_OUTPUT_KEEP_RUNS runs, are removed. 0 turns a limit off; both 0 keep everything.
NEWS_OUTPUT_KEEP_DAYS = 30
NEWS_OUTPUT_KEEP_RUNS = 0
LOG_FORMATTER = "crawler.logformatter.NewsLogFormatter"
REMOTE_CONTROL_ENABLED = False
# Rejected pages (URL, reason) go to a JSON Lines file beside the feed.
NEWS_REJECTS_ENABLED = True

# --- Spider -------------------------------------------------------------------------------------
# Pages fetched per site (host) at most; -a max_pages=N overrides it for one run.
NEWS_MAX_PAGES_PER_SITE = 2000
# URL path suffixes never requested: media and documents are not pages.
NEWS_SKIP_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "svg",
    "bmp",
    "ico",
    "tif",
    "tiff",
    "avif",
    "mp3",
    "mp4",
    "m4a",
    "wav",
    "ogg",
    "webm",
    "avi",
    "mov",
    "mkv",
    "flv",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "zip",
    "rar",
    "7z",
    "gz",
    "tar",
    "tgz",
    "bz2",
    "exe",
    "dmg",
    "apk",
    "css",
    "js",
    "json",
    "woff",
    "woff2",
    "ttf",
    "eot",
]

# --- Extraction ---------------------------------------------------------------------------------
# Worker processes that read pages off the reactor thread (0 = one per CPU core).
NEWS_EXTRACT_WORKERS = 0
# Seconds one page may take in a worker before it is rejected with "extraction timeout"
# (its worker is killed and replaced); 0 = no limit.
NEWS_EXTRACT_TIMEOUT = 20.0
# Pages whose decoded HTML is longer than this many characters are rejected as "too large".
NEWS_EXTRACT_MAX_CHARS = 5_000_000
# Minimum body length for an article, in characters, a CJK character counting as a word (6
# characters: a 14-character Chinese text is as long as 80 of English); shorter bodies are
# rejected as "no usable body".
NEWS_MIN_TEXT_CHARS = 80
# The body's forms each article carries (docs/body-shape.md): "text" (plain lines; always
# written, dedupe and word_count read it) and "markdown" (the same lines with their headings,
# lists, quotes, tables, links and emphasis). ["text"] alone keeps the feed about half as big.
NEWS_BODY_FORMATS = ["text", "markdown"]
# Write ``images``: the body's pictures (absolute src, alt, caption) in body order, the lead
# picture first. Captions are left out of the text whatever this says.
NEWS_IMAGES = True
# An article split over pages ("下一页", "_2.html", "?page=2", rel="next") is fetched and merged
# into one item of at most this many pages (the first included); the rest are named in its
# pages_missing and it is marked incomplete. 1 = no merging: pages are read one by one.
NEWS_MAX_ARTICLE_PAGES = 20

# --- Quality (text extraction and cleaning) ------------------------------------------------------
# The page reader (dotted path): extraction + page-level cleaning, called by the crawl's worker
# processes and by `scrapy evaluate`, so the evaluation measures exactly what the crawl exports.
NEWS_PAGE_READER = "reader.read_page"

# --- Cleaning -----------------------------------------------------------------------------------
# Site-template learning: a block seen on this share of a site's pages is template.
NEWS_TEMPLATE_ENABLED = True
NEWS_TEMPLATE_MIN_PAGES = 4
NEWS_TEMPLATE_SHARE = 0.5
# Hold a site's first article pages until this many of its pages were seen (or the timeout).
NEWS_TEMPLATE_HOLD_PAGES = 6
NEWS_TEMPLATE_HOLD_SECONDS = 10.0
# Blocks remembered per site (least frequent evicted first).
NEWS_TEMPLATE_MAX_BLOCKS = 5000
# Where learned templates persist between runs ("" = not persisted).
NEWS_TEMPLATE_STORE = "state/templates.json"

# --- Scheduled runs: discovery, incremental state, deduplication, atomic output ---------------
# Sitemaps listed in robots.txt (Sitemap: lines) are read for every site.
NEWS_DISCOVER_ROBOTS_SITEMAPS = True
# Feeds a start page announces with <link rel="alternate" type="application/rss+xml"> are read.
NEWS_DISCOVER_FEEDS = True
# Sitemaps, sitemap-index children and feeds read per site at most (bounds index recursion).
NEWS_MAX_DOCUMENTS_PER_SITE = 200
# The incremental state store: delivered articles (canonical URL, fingerprint, first/last
# seen, ETag, Last-Modified) and the delivery records of each run's files.
# "auto": on for scheduled runs (no -o/-O: per-run files under output/), off for a one-off
# crawl into a named feed; True/False force it.
NEWS_STATE_ENABLED = "auto"
NEWS_STATE_BACKEND = "crawler.state.sqlite.SQLiteStateStore"
NEWS_STATE_PATH = "state/news.sqlite"
# Near-duplicate text: SimHash over 3-token shingles; texts within this many of 64 bits are
# one story. Manku et al. (2007) use 3 for whole web pages; news bodies are shorter: on 200
# 200-word test articles, one added sentence moved 4.2 bits on average (90th percentile 7),
# 2000 pairs of unrelated ones were 16+ bits apart, so 6 (catches 88% of those edits). Lookups cost ~n*(k+1)/2**(64/(k+1)) compares.
NEWS_NEAR_DUPLICATES_ENABLED = True
# Whether a story on one site makes the same story on another site a duplicate (syndication).
# "auto": as NEWS_STATE_ENABLED, i.e. across sites for scheduled runs, per site for a one-off
# crawl into a named feed (which then holds every site's own copy).
NEWS_DEDUPE_ACROSS_SITES = "auto"
NEWS_NEAR_DUPLICATE_BITS = 6
# SimHashes kept in memory (this run's and the most recent runs' articles).
NEWS_NEAR_DUPLICATE_MEMORY = 100_000
# Local feed files are written as <file>.part and renamed into place when the run ends
# ("" is a plain path, "file" a file:// URI).
FEED_STORAGES = {
    "": "crawler.feedstorage.AtomicFileFeedStorage",
    "file": "crawler.feedstorage.AtomicFileFeedStorage",
}
# A JSON summary of the run (per site: pages, articles, updates, duplicates, rejects, errors,
# duration) beside the feed, <run>.summary.json.
NEWS_RUN_SUMMARY_ENABLED = True
# A self-contained HTML report of the run beside its summary, <run>.report.html: per site
# articles, rejects by reason, field coverage, changes against the baseline, sample articles.
NEWS_RUN_REPORT_ENABLED = True
# Sample articles per site in the report (kept text beside the lines the reader removed).
NEWS_REPORT_SAMPLES = 3
# A live progress line: pages, articles, rejects, queue, rate, per site (docs/monitoring.md).
NEWS_PROGRESS_ENABLED = True
# Seconds between progress log lines (INFO) when stderr is not a terminal (cron, log files).
NEWS_PROGRESS_INTERVAL = 60.0
# Seconds between redraws of the progress line on a terminal.
NEWS_PROGRESS_TTY_INTERVAL = 1.0

# --- Baselines and alarms (crawler/health.py) ---------------------------------------------------
# A site's baseline: medians of its figures over its last NEWS_BASELINE_RUNS recorded runs
# (kept in the state store; docs/monitoring.md).
NEWS_BASELINE_RUNS = 10
# No alarm before a site has this many recorded runs (the first runs build its baseline).
NEWS_ALARM_MIN_RUNS = 3
# Volume alarm: the articles a site's run found fall below this share of its baseline.
NEWS_ALARM_VOLUME_SHARE = 0.2
# No volume alarm for a site whose baseline is below this many articles found.
NEWS_ALARM_MIN_VOLUME = 5
# Coverage alarm: the share of articles with a title, authors or a published date falls below
# this share of its baseline.
NEWS_ALARM_COVERAGE_SHARE = 0.5
# No coverage alarm for a field whose baseline share is below this (a rare field).
NEWS_ALARM_MIN_COVERAGE = 0.3
# Text alarm: the mean text length falls below this share of its baseline.
NEWS_ALARM_TEXT_SHARE = 0.5
# Coverage and text alarms need at least this many articles read in the run.
NEWS_ALARM_MIN_ARTICLES = 5

# --- Metrics (Prometheus text format) -----------------------------------------------------------
# Written atomically at the end of a run, for node_exporter's textfile collector ("" = don't).
NEWS_METRICS_TEXTFILE = ""
# Serve live /metrics on this port during the run (0 = off).
NEWS_METRICS_PORT = 0
# The address the /metrics port is bound to (loopback: put a proxy in front to expose it).
NEWS_METRICS_ADDRESS = "127.0.0.1"

# --- Archive (WARC) -----------------------------------------------------------------------------
# Keep every fetched response (and its request) in WARC/1.1 files (docs/archive.md); a site of the
# sites file can be archived alone with `archive = true`.
NEWS_WARC_ENABLED = False
# Folder of the WARC files: a path or file:// URI; %(name)s is the spider, %(time)s the run start.
NEWS_WARC_DIR = "output/%(name)s/warc"
# A WARC file is finished (renamed from .open) and the next one begun past this many bytes.
NEWS_WARC_MAX_BYTES = 1_000_000_000
# `scrapy reextract`: pages read out of WARC files and not yet through the pipelines, at most.
# Large enough that pages held for site-template learning do not stall the reading.
NEWS_REEXTRACT_MAX_PENDING = 1024

# --- Distributed crawl (Redis) ------------------------------------------------------------------
# Redis server shared by the workers of one crawl (redis://:password@host:6379/0, rediss:// for
# TLS). Empty = a plain single-process crawl; the environment variable REDIS_URL also turns it on.
NEWS_REDIS_URL = ""
# Prefix of every Redis key of the crawl: workers with the same prefix share one frontier.
NEWS_REDIS_PREFIX = "news"
# This worker's name in Redis and in its file names ("" = hostname-pid).
NEWS_REDIS_WORKER_ID = ""
# Each worker's own feed file ({worker} = its id); used when the command line names no feed.
NEWS_REDIS_FEED = "output/%(name)s/%(run_start)s-{worker}.jsonl"
# Each feed line fsynced before its article is confirmed in Redis (marked seen, lease released):
# a power loss cannot lose an article Redis counts as delivered (crawler.distributed.feedstorage).
NEWS_REDIS_FEED_FSYNC = True
# Merged crawl summary path ("" = <prefix>.crawl-summary.json beside the feed).
NEWS_REDIS_SUMMARY_FILE = ""
# A taken request stays leased this long without a heartbeat; then it goes back to the queue.
NEWS_REDIS_LEASE_SECONDS = 60.0
# How often a worker renews its leases and takes back expired ones (others' too).
NEWS_REDIS_HEARTBEAT_SECONDS = 5.0
# Leases of one request that may expire before it is given up (moved to <prefix>:dead).
NEWS_REDIS_MAX_ATTEMPTS = 5
# Seconds with nothing queued or leased anywhere before a worker stops.
NEWS_REDIS_IDLE_CLOSE_SECONDS = 5.0
# Share DOWNLOAD_DELAY per host across all workers (a Redis key per host); off when it is 0.
NEWS_REDIS_RATE_LIMIT_ENABLED = True
# Socket timeouts, and the backoff with which calls are retried while Redis is unreachable;
# a worker gives up (finish reason "redis_unavailable") after NEWS_REDIS_OUTAGE_SECONDS.
NEWS_REDIS_SOCKET_TIMEOUT = 5.0
NEWS_REDIS_RETRY_FIRST_SECONDS = 0.1
NEWS_REDIS_RETRY_MAX_SECONDS = 5.0
NEWS_REDIS_OUTAGE_SECONDS = 300.0
# Set by `scrapy seed`: queue the start requests in Redis and stop without fetching.
NEWS_REDIS_SEED_ONLY = False
# A queue entry longer than this is not one a worker wrote: removed, logged, counted, never run.
NEWS_REDIS_MAX_ENTRY_BYTES = 32768
# Runs before DefaultFeed so that the default feed is named per worker.
ADDONS = {**ADDONS, "crawler.addons.RedisMode": -1}

# --- Throughput ---------------------------------------------------------------------------------
# The reader's workers return each page's links (page_read signal) and the spider follows them,
# so the spider never parses a page itself; False: the spider runs Scrapy's LinkExtractor.
NEWS_LINKS_FROM_READER = True
# Links of one page followed at most (on-site links, in page order; the rest counted in
# links/cut): a page with a flood of links must not cost the reactor more than a big home page.
NEWS_MAX_LINKS_PER_PAGE = 2000
# Scrapy runs this many tasks per response to handle its callback's output; a news page gives
# one item (links come from the reader), and 100 (the default) cost ~100 asyncio tasks a page.
CONCURRENT_ITEMS = 8
# Scrapy's check of generator callbacks for "return value" re-reads and parses the callback's
# source whenever its cache misses, which a bound method makes it do on most pages.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Back-pressure: no new download while the pages downloading or waiting to be read fill the
# reader pool (NEWS_READ_BACKLOG_PER_WORKER pages a worker, plus the downloads that cover the
# measured download latency). NEWS_READ_BACKLOG > 0 fixes the limit instead.
NEWS_READ_GATE_ENABLED = True
NEWS_READ_BACKLOG = 0
NEWS_READ_BACKLOG_PER_WORKER = 4
# Reactor lag (max and p99 delay of a timer on the reactor thread) in the stats; for benchmarks.
# A firing that spans a stop of the process (SIGSTOP/SIGCONT) is counted apart, not as lag.
NEWS_REACTOR_LAG_ENABLED = False
NEWS_REACTOR_LAG_INTERVAL = 0.01
# Write the final stats as JSON to this path ("" = don't); `make bench` reads it.
NEWS_STATS_FILE = ""

LOG_LEVEL = "INFO"
