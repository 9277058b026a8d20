"""The house rules that a reviewer would otherwise check by reading: public addresses that must
never move, one naming rule per audience, one guard per manage blueprint, view modules that do
not import each other and leave the transaction to the POST helper, a label for every enum."""

from __future__ import annotations

import ast
import enum
import inspect
from pathlib import Path

import pytest
from flask import Flask

import meetings
from meetings import FEATURES
from meetings.labels import declared, label

PACKAGE = Path(meetings.__file__).parent

# Every public page and every calendar feed. Subscribers' calendars, bookmarks and printed
# programmes hold these addresses: a change here breaks them. Secretariat addresses may move.
PUBLIC_URLS = {
    "home.index": "/",
    "schedule.meetings": "/meetings",
    "schedule.meeting": "/meetings/<code>",
    "schedule.sitting": "/meetings/<code>/sittings/<int:number>",
    "registration.participants": "/meetings/<code>/participants",
    "calendar.meeting_feed": "/meetings/<code>/calendar.ics",
    "calendar.meeting_kind_feed": "/meetings/<code>/calendar/<kind>.ics",
    "calendar.sitting_feed": "/meetings/<code>/sittings/<int:number>.ics",
    "calendar.personal_feed": "/calendar/<token>.ics",
}


def test_public_and_feed_addresses_never_move(app: Flask) -> None:
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint, pattern in PUBLIC_URLS.items():
        assert endpoint in rules, f"{endpoint} is gone"
        assert rules[endpoint].rule == pattern, f"{endpoint} moved to {rules[endpoint].rule}"
        assert "GET" in (rules[endpoint].methods or set())


def test_feed_addresses_are_built_as_subscribers_have_them(app: Flask) -> None:
    from flask import url_for

    with app.test_request_context():
        assert url_for("calendar.meeting_feed", code="POA-REVCON3") == (
            "/meetings/POA-REVCON3/calendar.ics"
        )
        assert url_for("calendar.meeting_kind_feed", code="POA-REVCON3", kind="plenary") == (
            "/meetings/POA-REVCON3/calendar/plenary.ics"
        )
        assert url_for("calendar.sitting_feed", code="POA-REVCON3", number=7) == (
            "/meetings/POA-REVCON3/sittings/7.ics"
        )
        assert url_for("calendar.personal_feed", token="abc_DEF-1") == "/calendar/abc_DEF-1.ics"


VIEW_MODULES = {"views.py": "", "focal_views.py": "_focal", "manage_views.py": "_manage"}


def _view_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.glob("*/*.py") if p.name in VIEW_MODULES)


def test_blueprints_are_named_for_their_feature_and_audience(app: Flask) -> None:
    for name, blueprint in app.blueprints.items():
        _package, feature, module = blueprint.import_name.split(".")
        assert feature in FEATURES, f"{name} lives outside a feature"
        assert f"{module}.py" in VIEW_MODULES, f"{name} is defined in {module}.py"
        assert name == feature + VIEW_MODULES[f"{module}.py"], f"{blueprint.import_name}: {name}"


def test_every_manage_blueprint_has_a_prefix_and_one_guard(app: Flask) -> None:
    manage = [bp for name, bp in app.blueprints.items() if name.endswith("_manage")]
    assert manage
    for blueprint in manage:
        assert blueprint.url_prefix, f"{blueprint.name} has no url_prefix"
        guards = app.before_request_funcs.get(blueprint.name, [])
        assert [f.__name__ for f in guards] == ["require_login_and_permission"], blueprint.name


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_view_modules_never_import_each_other() -> None:
    for path in _view_modules():
        for module in _imports(path):
            last = module.rsplit(".", 1)[-1]
            assert f"{last}.py" not in VIEW_MODULES, f"{path} imports {module}"


def test_views_leave_the_transaction_to_the_post_helper() -> None:
    handlers = 0
    for path in _view_modules():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback"):
                pytest.fail(f"{path}:{node.lineno} calls {node.attr}() itself")
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(node.type) if isinstance(n, ast.Attribute)}
                if names & {"DomainError", "InvalidResetToken"}:
                    handlers += 1
    assert handlers <= 3


def _model_enums() -> list[type[enum.Enum]]:
    """Every enum declared in a feature's models: ``models.py`` and each ``*_models.py``."""
    found = []
    for name in FEATURES:
        stems = ["models", *sorted(p.stem for p in (PACKAGE / name).glob("*_models.py"))]
        for stem in stems:
            try:
                module = __import__(f"meetings.{name}.{stem}", fromlist=["*"])
            except ModuleNotFoundError:
                continue
            for value in vars(module).values():
                if (
                    inspect.isclass(value)
                    and issubclass(value, enum.Enum)
                    and value.__module__ == module.__name__
                ):
                    found.append(value)
    return found


def test_every_enum_of_a_model_has_a_label_for_each_member(app: Flask) -> None:
    enums = _model_enums()
    assert enums
    with app.test_request_context():
        for enum_class in enums:
            assert enum_class in declared(), f"{enum_class.__name__} has no labels"
            for member in enum_class:
                assert label(member), member
                assert "_" not in label(member), member


def _subclasses(kind: type) -> list[type]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_form_is_built_on_the_application_form(app: Flask) -> None:
    """meetings.forms.Form leaves out files sent where text is expected (a 500 otherwise)."""
    from flask_wtf import FlaskForm

    from meetings.forms import Form

    ours = [f for f in _subclasses(FlaskForm) if f.__module__.startswith("meetings.")]
    assert len(ours) > 20
    assert [f.__qualname__ for f in ours if not issubclass(f, Form)] == []
