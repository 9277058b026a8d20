"""The lock files pin, with hashes, a version of every dependency pyproject.toml asks for that
satisfies what it asks (make lock writes them again after a change)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s\\;]+)", re.M)


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def _asked(extra: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    asked = [Requirement(text) for text in project["dependencies"]]
    for text in project["optional-dependencies"][extra]:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == "meetings":
            for included in requirement.extras:
                asked += [Requirement(t) for t in project["optional-dependencies"][included]]
        else:
            asked.append(requirement)
    return asked


@pytest.mark.parametrize(("lock", "extra"), [("run.lock", "postgres"), ("dev.lock", "dev")])
def test_every_dependency_is_pinned_within_what_pyproject_asks(lock: str, extra: str) -> None:
    pins = _pins(lock)
    for requirement in _asked(extra):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements/{lock}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {name}=={pins[name]}, outside {requirement.specifier}"
        )
    text = (ROOT / "requirements" / lock).read_text()
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if PIN.match(block):
            assert "--hash=sha256:" in block, block.splitlines()[0]
