"""Tests: a throw-away database, mail kept in memory, fast password hashing, no rate limits."""

TESTING = True
SECRET_KEY = "testing-secret-key"  # noqa: S105
MAIL_BACKEND = "memory"
RATELIMIT_ENABLED = False
# Cheap Argon2id parameters: the algorithm is the same, the tests just run faster.
ARGON2_TIME_COST = 1
ARGON2_MEMORY_COST = 1024
ARGON2_PARALLELISM = 1
PUBLIC_URL = "http://localhost"
SERVER_NAME = None
# Tasks are queued in memory and never run: the tests run the work themselves.
CELERY_BROKER_URL = "memory://"
