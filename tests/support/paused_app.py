"""The application as gunicorn serves it, with one fault injected for the tests that kill a
worker mid-request: while the file named by MEETINGS_TEST_PAUSE_FILE exists, storing an upload
writes the file, then writes the worker's pid to ``<pause file>.reached`` and waits to be killed.

Serve with ``gunicorn tests.support.paused_app:app``; nothing of this is in the application.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from meetings import create_app
from meetings.documents import storage

_store = storage.store


def _store_then_wait(session: Any, upload: storage.Upload) -> str:
    stored_name = _store(session, upload)
    pause = Path(os.environ["MEETINGS_TEST_PAUSE_FILE"])
    if pause.exists():
        Path(f"{pause}.reached").write_text(str(os.getpid()))
        time.sleep(120)
    return stored_name


storage.store = _store_then_wait  # type: ignore[assignment]
app = create_app()
