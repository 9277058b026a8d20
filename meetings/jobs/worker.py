"""The Celery entry point: ``celery -A meetings.jobs.worker worker`` and ``… beat``."""

from meetings import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
