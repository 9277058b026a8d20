"""The two checkers the browser tests run over pages: axe-core (accessibility, in the page) and
the Nu HTML Checker (markup, on the served source). Both come from the npm registry into
.cache/npm (`make browser-tools`); where they are missing the tests say so and skip, unless
MEETINGS_REQUIRE_BROWSER=1 (CI), where that is a failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = Path(os.environ.get("MEETINGS_NPM_MODULES", ROOT / ".cache" / "npm" / "node_modules"))
AXE = MODULES / "axe-core" / "axe.min.js"
VNU = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# WCAG 2.1 A and AA: what the United Nations' accessibility guidelines ask of its sites.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _missing(what: str) -> None:
    reason = f"{what} is missing: run `make browser-tools` (npm and Java)"
    if os.environ.get("MEETINGS_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def require_tools() -> None:
    if not AXE.is_file():
        _missing(f"axe-core ({AXE})")
    if not VNU.is_file() or shutil.which("java") is None:
        _missing(f"the Nu HTML Checker ({VNU}) or java")


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it stands, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                      resultTypes: ['violations']})""",
        AXE_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:4])
        for violation in result["violations"]
    ]


def nu_errors(folder: Path) -> list[str]:
    """The Nu HTML Checker's errors over every .html file of ``folder``, one line each."""
    files = sorted(str(path) for path in folder.glob("*.html"))
    assert files, "no page to check"
    run = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in report["messages"]
        if m.get("type") == "error"
    ]
