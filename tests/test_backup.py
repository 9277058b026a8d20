"""``flask db backup`` / ``flask db restore`` and ``flask documents sweep``: a backup restored
elsewhere has every row and every document; orphans of a dead process are swept."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings import clock
from meetings.db import Base
from meetings.documents.storage import path_of
from meetings.extensions import db
from tests.conftest import make_app
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.registration import DURING_REGISTRATION, make_open_meeting, register


@pytest.fixture(autouse=True)
def _during_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)


def _counts() -> dict[str, int]:
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for name, table in sorted(Base.metadata.tables.items())
    }


@pytest.fixture
def elsewhere(empty_database: str) -> str:
    """An empty database of the same kind as the suite's, to restore into."""
    return empty_database


@pytest.mark.concurrency
def test_a_backup_restored_elsewhere_has_every_row_and_every_document(
    committed: Flask, tmp_path: Path, elsewhere: str
) -> None:
    meeting = make_open_meeting()
    for _ in range(3):
        register(make_user(), meeting)  # each with a nomination letter
    bank_transfer()  # a bank advice, ledger entries (append-only)
    db.session.commit()
    partial = path_of("ff" + "0" * 30 + ".pdf").with_name(".ff-half-written.part")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"%PDF-1.4 half")
    before = _counts()
    documents = dict(db.session.execute(sa.text("SELECT stored_name, sha256 FROM document")).all())
    assert len(documents) >= 4

    result = committed.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert f"and {len(documents)} file(s)" in result.output
    assert not list((tmp_path / "b").rglob("*.part"))
    # Passports, letters and the database are nobody else's on the host.
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o700
    for path in (tmp_path / "b").rglob("*"):
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path

    restored = make_app(elsewhere, tmp_path / "elsewhere")
    assert restored.config["UPLOAD_FOLDER"] != committed.config["UPLOAD_FOLDER"]
    runner = restored.test_cli_runner()
    with restored.app_context():  # the suite's application context is the current one
        result = runner.invoke(args=["db", "restore", str(tmp_path / "b"), "--yes"])
        assert result.exit_code == 0, result.output
        assert _counts() == before
        assert (
            dict(db.session.execute(sa.text("SELECT stored_name, sha256 FROM document")).all())
            == documents
        )
        for stored_name in documents:
            assert path_of(stored_name).is_file()
        assert runner.invoke(args=["documents", "check"]).exit_code == 0
        db.session.remove()
        db.engine.dispose()


@pytest.mark.concurrency
def test_a_damaged_backup_restores_nothing(committed: Flask, tmp_path: Path) -> None:
    register(make_user(), make_open_meeting())
    db.session.commit()
    runner = committed.test_cli_runner()
    assert runner.invoke(args=["db", "backup", str(tmp_path / "b")]).exit_code == 0
    copy = next(path for path in (tmp_path / "b" / "uploads").rglob("*") if path.is_file())
    copy.write_bytes(copy.read_bytes() + b"tampered")
    before = _counts()
    result = runner.invoke(args=["db", "restore", str(tmp_path / "b"), "--yes"])
    assert result.exit_code == 1
    assert "is damaged; nothing restored" in result.output
    assert _counts() == before
    existing = runner.invoke(args=["db", "backup", str(tmp_path / "b")])
    assert existing.exit_code == 1
    assert "already exists" in existing.output


def test_restore_asks_before_replacing_the_database(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    result = app.test_cli_runner().invoke(args=["db", "restore", str(tmp_path / "b")], input="n\n")
    assert result.exit_code == 1
    assert "replaces the whole database" in result.output


def test_the_sweep_removes_old_orphans_and_partial_writes_only(app: Flask) -> None:
    meeting = make_open_meeting()
    registration = register(make_user(), meeting)
    db.session.flush()
    kept = path_of(registration.nomination_letter.stored_name)
    old_orphan = path_of("ab" + "1" * 30 + ".pdf")
    young_orphan = path_of("ab" + "2" * 30 + ".pdf")
    old_partial = old_orphan.with_name(".ab-killed.part")
    for path in (old_orphan, young_orphan, old_partial):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 orphan")
    two_hours_ago = time.time() - 7200
    for path in (old_orphan, old_partial, kept):
        os.utime(path, (two_hours_ago, two_hours_ago))

    result = app.test_cli_runner().invoke(args=["documents", "sweep", "--dry-run"])
    assert "would remove" in result.output
    assert old_orphan.exists()

    result = app.test_cli_runner().invoke(args=["documents", "sweep"])
    assert result.exit_code == 0, result.output
    assert not old_orphan.exists()
    assert not old_partial.exists()
    assert young_orphan.exists()  # its transaction may still be in flight
    assert kept.exists()
    young_orphan.unlink()


@pytest.mark.concurrency
def test_a_backup_that_cannot_see_the_documents_fails_loudly(
    committed: Flask, tmp_path: Path
) -> None:
    meeting = make_open_meeting()
    registration = register(make_user(), meeting)  # with a nomination letter
    db.session.commit()
    stored = db.session.scalar(sa.text("SELECT stored_name FROM document LIMIT 1"))
    path_of(stored).rename(tmp_path / "moved-away.pdf")
    result = committed.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "b")])
    assert result.exit_code != 0
    assert "missing" in result.output
    assert registration.id


def test_uploaded_documents_are_written_for_the_application_s_user_only() -> None:
    meeting = make_open_meeting()
    register(make_user(), meeting)  # its nomination letter is stored
    stored = db.session.scalar(sa.text("SELECT stored_name FROM document LIMIT 1"))
    path = path_of(stored)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
