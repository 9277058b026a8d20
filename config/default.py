"""Defaults for every environment: development on the embedded SQLite database.

Anything here can be overridden by an environment variable with the ``MEETINGS_`` prefix
(``MEETINGS_SECRET_KEY``, ``MEETINGS_DATABASE_URL`` …); values are parsed as JSON when they can be.
"""

from datetime import timedelta

# Development only: production.py refuses to start without a real one.
SECRET_KEY = "development-only-secret-key-do-not-use-in-production"  # noqa: S105

# None means the embedded SQLite database at instance/meetings.sqlite3 (WAL mode, BEGIN IMMEDIATE).
DATABASE_URL = None
# Redis for rate limits (and, later, caches) shared between processes; memory when unset.
REDIS_URL = None
# Every key this site writes in Redis starts with this (two sites on one Redis need two).
REDIS_PREFIX = "meetings"
# Log lines: "text" (readable, with the request id) or "json" (one object a line, production's).
LOG_FORMAT = "text"
# Celery's broker; None: the Redis URL, or without one (make run) kombu's file-system transport
# in instance/celery-broker/, so that development needs no service.
CELERY_BROKER_URL = None
CELERY_QUEUE = "meetings"  # the queue's name (two sites on one broker need two names)
# Seconds before a task a lost worker held is handed to another (Redis broker).
CELERY_VISIBILITY_TIMEOUT = 3600
# The nightly backup (Celery beat, 02:00 UTC): into this folder, keeping the newest BACKUP_KEEP.
BACKUP_FOLDER = None
BACKUP_KEEP = 14
# /metrics answers only these addresses or networks (Prometheus); anyone else gets 404.
METRICS_ALLOW = ["127.0.0.1/32", "::1/128"]
# Errors to Sentry (personal data scrubbed) when set.
SENTRY_DSN = None

SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
SQLALCHEMY_RECORD_QUERIES = False

# Cookies: signed, HttpOnly, SameSite=Lax. Secure is switched on in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
SESSION_PROTECTION = "strong"

WTF_CSRF_TIME_LIMIT = 8 * 3600

# Uploads: 10 MB per file. A larger file is refused beside its field (status 413) with the rest of
# the form kept; a request beyond MAX_CONTENT_LENGTH is refused outright with the 413 page.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
MAX_CONTENT_LENGTH = 25 * 1024 * 1024
UPLOAD_FOLDER = None  # None: instance/uploads
# Where documents are kept: file:///path or s3://bucket?endpoint_url=…&region=…&prefix=…
# (meetings.documents.backends). None: the upload folder above.
STORAGE_URL = None

# Accounts
PASSWORD_MIN_LENGTH = 12
PASSWORD_RESET_MAX_AGE = 3600  # seconds
LOGIN_RATE_LIMIT = "5 per minute"  # failed logins per account, whatever the address
RATELIMIT_ENABLED = True
RATELIMIT_HEADERS_ENABLED = True
# When Redis does not answer, limits are counted in the process for the while (and the failure
# logged) rather than every limited request answering 500; /readyz says Redis is down.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_SWALLOW_ERRORS = True

# Mail: "file" writes each message under instance/mail/ and to the log; "smtp" sends it;
# "memory" keeps it in a list (tests).
MAIL_BACKEND = "file"
MAIL_SENDER = "Meetings secretariat <no-reply@meetings.localhost>"
SMTP_HOST = "localhost"
SMTP_PORT = 587
SMTP_USERNAME = None
SMTP_PASSWORD = None
SMTP_STARTTLS = True
SMTP_TIMEOUT = 20  # seconds the mail worker waits for the server

# Languages: the six official languages of the United Nations; English is the source text.
LANGUAGES = ["en", "fr", "es", "ru", "zh", "ar"]
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "UTC"

# Absolute address of the site, used in e-mails and calendar feeds built outside a request.
PUBLIC_URL = None  # MEETINGS_PUBLIC_URL; unset in development: links follow the served address
# Stable host part of calendar UIDs (sitting-<id>@<this>); never change it once feeds are out.
CALENDAR_UID_DOMAIN = "meetings.localhost"

# Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
PROXY_COUNT = 0

# The sponsorship fund. Its accounts are kept in US dollars.
FUND_SUPPORT_COST_PERCENT = "13"  # programme support cost, charged on every disbursement
FUND_MAX_USD = 5_000_000  # one entry (pledge, contribution) above this is refused as a slip

# Stripe. With no secret key, /fund/contribute offers a pledge form and bank-transfer details.
STRIPE_SECRET_KEY = None  # sk_test_… or sk_live_…
STRIPE_PUBLISHABLE_KEY = None  # pk_test_… or pk_live_…
STRIPE_WEBHOOK_SECRET = None  # whsec_…: the signing secret of the webhook endpoint
STRIPE_API_BASE = None  # another address for the Stripe API (the tests' own server)
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"  # where donors are sent to pay
# Where donors send bank transfers, shown on /fund/contribute (plain text, several lines).
FUND_BANK_DETAILS = (
    "United Nations General Trust Fund\n"
    "Illustrative bank details: set MEETINGS_FUND_BANK_DETAILS before going live."
)

# Where donors write about the fund (pledges, receipts, bank transfers), named on /fund/contribute.
FUND_CONTACT_EMAIL = "sponsorship-fund@example.org"

# Sponsorship: an offer above this many US dollars needs a second administrator's approval.
SPONSORSHIP_FOUR_EYES_USD = 5_000

# Rate limits (per client address unless said; shared between workers through Redis when
# MEETINGS_REDIS_URL is set). Only failed logins count.
LOGIN_ADDRESS_RATE_LIMIT = "50 per minute"  # failed logins from one address (a venue shares one)
SIGNUP_RATE_LIMIT = "10 per hour"  # each sign-up costs an Argon2id hash
RESET_RATE_LIMIT = "5 per 15 minutes"  # password-reset requests, per address and per account
API_RATE_LIMIT = "600 per minute"  # API requests per token (or per address without one)
HSTS_SECONDS = 0  # Strict-Transport-Security max-age; production sets a year
TRUSTED_HOSTS = None  # hosts answered for; production defaults to the public address's host
