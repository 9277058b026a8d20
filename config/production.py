"""Production: secrets and the database come from the environment, cookies are Secure."""

# Must be provided as MEETINGS_SECRET_KEY and MEETINGS_DATABASE_URL; create_app refuses to start
# without them.
SECRET_KEY = None
DATABASE_URL = None
# Redis too: without it every worker keeps its own rate limits (four workers let an attacker try
# four times as often) and its own caches.
REQUIRED_SETTINGS = ("SECRET_KEY", "DATABASE_URL", "PUBLIC_URL", "REDIS_URL")
PUBLIC_URL = None  # MEETINGS_PUBLIC_URL, e.g. https://meetings.example.org
# Requests for any other host are refused (400); by default only the public address's host.
TRUSTED_HOSTS = None

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PREFERRED_URL_SCHEME = "https"
MAIL_BACKEND = "smtp"
LOG_FORMAT = "json"  # one JSON object a line, each with its request id, for the log collector
# HTTP Strict Transport Security: browsers keep to HTTPS for a year (the proxy may send it instead).
HSTS_SECONDS = 31_536_000
