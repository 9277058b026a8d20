from __future__ import annotations

from tests.security.conftest import built  # noqa: F401 (one of everything, for the page walk)
