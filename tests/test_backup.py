"""``flask db backup`` / ``flask db restore`` and ``flask documents sweep``: a backup restored
elsewhere has every row and every document; orphans of a dead process are swept."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings import clock
from meetings.db import Base
from meetings.documents.backends import FolderStorage
from meetings.documents.storage import storage
from meetings.extensions import db
from tests.conftest import make_app
from tests.factories.auth import make_user
from tests.factories.fund import bank_transfer
from tests.factories.registration import DURING_REGISTRATION, make_open_meeting, register
from tests.support import documents
from tests.support.s3 import Storages


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
    committed: Flask, tmp_path: Path, elsewhere: str, storages: Storages
) -> None:
    meeting = make_open_meeting()
    for _ in range(3):
        register(make_user(), meeting)  # each with a nomination letter
    bank_transfer()  # a bank advice, ledger entries (append-only)
    db.session.commit()
    documents.put("ff/.ff-half-written.part", b"%PDF-1.4 half")
    before = _counts()
    names = dict(db.session.execute(sa.text("SELECT stored_name, sha256 FROM document")).all())
    assert len(names) >= 4

    result = committed.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert f"and {len(names)} file(s)" in result.output
    assert not list((tmp_path / "b").rglob("*.part"))
    # Passports, letters and the database are nobody else's on the host.
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o700
    for path in (tmp_path / "b").rglob("*"):
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path

    restored = make_app(elsewhere, tmp_path / "elsewhere", storage_url=storages.new("elsewhere"))
    assert restored.config["STORAGE_URL"] != committed.config["STORAGE_URL"]
    runner = restored.test_cli_runner()
    with restored.app_context():  # the suite's application context is the current one
        result = runner.invoke(args=["db", "restore", str(tmp_path / "b"), "--yes"])
        assert result.exit_code == 0, result.output
        assert _counts() == before
        assert (
            dict(db.session.execute(sa.text("SELECT stored_name, sha256 FROM document")).all())
            == names
        )
        assert {name: documents.stored_bytes(name) is not None for name in names} == dict.fromkeys(
            names, True
        )
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
    kept = f"{registration.nomination_letter.stored_name[:2]}/"
    kept += registration.nomination_letter.stored_name
    old_orphan, old_partial = "ab/ab" + "1" * 30 + ".pdf", "ab/.ab-killed.part"
    young_orphan = "ab/ab" + "2" * 30 + ".pdf"
    documents.put(old_orphan, b"%PDF-1.4 orphan")
    documents.put(old_partial, b"%PDF-1.4 orp")
    time.sleep(2.2)  # the store's clock says when an object was written (S3: to the second)
    documents.put(young_orphan, b"%PDF-1.4 orphan")

    sweep = ["documents", "sweep", "--grace", "1"]
    result = app.test_cli_runner().invoke(args=[*sweep, "--dry-run"])
    assert f"would remove {old_orphan}" in result.output
    assert old_orphan in documents.stored_keys()

    result = app.test_cli_runner().invoke(args=sweep)
    assert result.exit_code == 0, result.output
    left = documents.stored_keys()
    assert old_orphan not in left
    assert old_partial not in left
    assert young_orphan in left  # its transaction may still be in flight
    assert kept in left
    storage().delete(young_orphan)


@pytest.mark.concurrency
def test_a_backup_that_cannot_see_the_documents_fails_loudly(
    committed: Flask, tmp_path: Path
) -> None:
    meeting = make_open_meeting()
    registration = register(make_user(), meeting)  # with a nomination letter
    db.session.commit()
    stored = db.session.scalar(sa.text("SELECT stored_name FROM document LIMIT 1"))
    documents.remove(stored)
    result = committed.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "b")])
    assert result.exit_code != 0
    assert "missing" in result.output
    assert registration.id


def test_uploaded_documents_are_written_for_the_application_s_user_only() -> None:
    where = storage()
    if not isinstance(where, FolderStorage):
        pytest.skip("file modes are the folder's; a bucket is private by its policy")
    meeting = make_open_meeting()
    register(make_user(), meeting)  # its nomination letter is stored
    stored = db.session.scalar(sa.text("SELECT stored_name FROM document LIMIT 1"))
    path = where.path(f"{stored[:2]}/{stored}")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
