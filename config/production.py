"""Production: secrets and the database come from the environment, cookies are Secure."""

# Must be provided as MEETINGS_SECRET_KEY and MEETINGS_DATABASE_URL; create_app refuses to start
# without them.
SECRET_KEY = None
DATABASE_URL = None
REQUIRED_SETTINGS = ("SECRET_KEY", "DATABASE_URL")

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PREFERRED_URL_SCHEME = "https"
MAIL_BACKEND = "smtp"
