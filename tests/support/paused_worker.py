"""The Celery worker as deployed, with one fault a test may switch on: while the file named by
MEETINGS_TEST_PAUSE_FILE exists, a mail task that has sent its message and recorded it waits,
before Celery acknowledges the task, for the test to kill the worker (its pid is written to
``<pause file>.reached``).

Run with ``celery -A tests.support.paused_worker worker``; nothing of this is in the application.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import task_postrun

from meetings.jobs.tasks import SEND_MAIL
from meetings.jobs.worker import celery, flask_app

__all__ = ["celery", "flask_app"]


@task_postrun.connect
def _wait_to_be_killed(sender: Any = None, **_details: Any) -> None:
    pause = Path(os.environ["MEETINGS_TEST_PAUSE_FILE"])
    if getattr(sender, "name", None) == SEND_MAIL and pause.exists():
        Path(f"{pause}.reached").write_text(str(os.getpid()))
        time.sleep(120)
