"""The README documents every setting, and opens with the two commands."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    settings = re.findall(
        r"^([A-Z][A-Z0-9_]+)\s*[:=]", (ROOT / "config/default.py").read_text(), re.M
    )
    assert len(settings) > 30
    missing = [
        name for name in settings if f"MEETINGS_{name}" not in readme and f"`{name}`" not in readme
    ]
    assert missing == []


def test_the_readme_opens_with_the_two_commands() -> None:
    opening = (ROOT / "README.md").read_text("utf-8").split("##")[0]
    assert "make run" in opening
    assert "make test" in opening
