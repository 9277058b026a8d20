"""The five catalogues are complete, and stay so: every message of the application (as a fresh
extraction finds it) is translated, nothing is fuzzy, every translation keeps the placeholders of
its source and has the plural forms of its language, and the compiled catalogues are the ones
the .po files make."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "meetings" / "translations"
LANGUAGES = ("fr", "es", "ru", "zh", "ar")
# %(name)s, %(n)d, %% and {name}: what Python and Jinja fill in.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%|\{\w*\}")


@cache
def catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


@cache
def extracted(tmp: Path) -> Catalog:
    """The messages of the application as `make messages` extracts them now."""
    out = tmp / "messages.pot"
    subprocess.run(
        [
            *(sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg"),
            *("-k", "_l", "-k", "lazy_gettext", "-o", str(out), "."),
        ],
        cwd=ROOT,
        check=True,
    )
    with out.open("rb") as f:
        return read_po(f)


def hashable(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


def calls_gettext(path: Path) -> bool:
    """Whether the module calls gettext on a literal (not in a docstring's example)."""
    names = {"_", "_l", "gettext", "ngettext", "lazy_gettext"}
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in names
        and node.args
        and isinstance(node.args[0], ast.Constant)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def sources(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def messages(language: str) -> list[Message]:
    return [m for m in catalogue(language) if m.id]


@pytest.fixture(scope="module")
def application_messages(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return extracted(tmp_path_factory.mktemp("extract"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_every_message_of_the_application(
    language: str, application_messages: Catalog
) -> None:
    wanted = {m.id for m in application_messages if m.id}
    held = {m.id for m in messages(language)}
    missing = sorted(str(m) for m in wanted - held)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
    assert len(wanted) > 1000


def test_every_file_that_translates_text_gives_its_messages_to_the_catalogues(
    application_messages: Catalog,
) -> None:
    """A template the extractor cannot parse (a Jinja extension it was not told of) gives no
    message and no error: its text would stay English whatever the reader's language."""
    found = {path for m in application_messages for path, _line in m.locations}
    calls = re.compile(r"\b(_|_l|gettext|ngettext|lazy_gettext)\(")
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]
    translating = [path for path in templates if calls.search(path.read_text(encoding="utf-8"))]
    translating += [path for path in ROOT.glob("meetings/**/*.py") if calls_gettext(path)]
    silent = sorted(
        str(path.relative_to(ROOT))
        for path in translating
        if str(path.relative_to(ROOT)) not in found
    )
    assert not silent, f"no message extracted from {silent}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    untranslated = [sources(m)[0] for m in messages(language) if not all(forms(m))]
    fuzzy = [sources(m)[0] for m in messages(language) if m.fuzzy]
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_source(language: str) -> None:
    wrong = []
    for message in messages(language):
        expected = placeholders(sources(message)[-1])
        for text in forms(message):
            found = placeholders(text)
            # A plural form for exactly one may say "one" in words instead of %(num)d.
            if found != expected and sorted(set(found) | {"%(num)d"}) != sorted(set(expected)):
                wrong.append((sources(message)[0], text))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_messages_have_the_plural_forms_of_the_language(language: str) -> None:
    catalogue_forms = catalogue(language).num_plurals
    # Babel's rules (from CLDR): French and Spanish have a form for millions ("1 000 000 de
    # personnes"), Russian one, few and many, Arabic zero, one, two, few, many and other.
    assert catalogue_forms == get_plural(language).num_plurals
    assert catalogue_forms == {"fr": 3, "es": 3, "ru": 3, "zh": 1, "ar": 6}[language]
    plural = [m for m in messages(language) if isinstance(m.id, tuple)]
    assert plural, "the application has plural messages"
    short = [m.id for m in plural if len(forms(m)) != catalogue_forms]
    assert not short, short[:5]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_one_the_po_file_makes(language: str) -> None:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        compiled = {hashable(m.id): hashable(m.string) for m in read_mo(f) if m.id}
    written = {m.id: m.string for m in messages(language)}
    stale = sorted(str(key) for key in written if compiled.get(key) != written[key])
    assert not stale, f"run `make messages` (pybabel compile): {stale[:5]}"


def test_a_placeholder_dropped_from_a_translation_is_caught() -> None:
    source = "The registration of %(name)s for %(meeting)s has been withdrawn."
    assert placeholders(source) != placeholders("L'inscription de %(name)s a été retirée.")
    assert placeholders(source) == placeholders("%(meeting)s : inscription de %(name)s retirée.")
    assert placeholders("{count} rows") != placeholders("lignes")
