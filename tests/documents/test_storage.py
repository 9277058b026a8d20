"""The document storage: a folder or an S3 bucket, chosen by MEETINGS_STORAGE_URL, and the move
between them. (Run on S3 with ``make test-s3``; the rest of the document suite runs there too.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from meetings import clock
from meetings.documents.backends import (
    FolderStorage,
    S3Storage,
    StorageError,
    key_of,
    open_storage,
    read,
    sha256,
)
from meetings.documents.storage import storage
from meetings.extensions import db
from tests.conftest import make_app
from tests.factories.auth import make_user
from tests.factories.registration import DURING_REGISTRATION, PDF, make_open_meeting, register
from tests.support import documents
from tests.support.gunicorn import free_port
from tests.support.s3 import Storages


@pytest.fixture(autouse=True)
def _during_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: DURING_REGISTRATION)


def test_a_storage_url_names_a_folder_or_a_bucket(tmp_path: Path) -> None:
    folder = open_storage((tmp_path / "uploads").as_uri())
    assert isinstance(folder, FolderStorage)
    assert folder.root == tmp_path / "uploads"
    bucket = open_storage("s3://papers?endpoint_url=http://127.0.0.1:9&region=eu-west-1&prefix=poa")
    assert isinstance(bucket, S3Storage)
    assert (bucket.bucket, bucket.prefix) == ("papers", "poa/")
    assert bucket.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert bucket.client.meta.region_name == "eu-west-1"
    for wrong, why in [
        ("ftp://host/x", "starts with file:// or s3://"),
        ("file://elsewhere/x", "a folder on this host"),
        ("s3://?region=x", "names its bucket"),
        ("s3://b?colour=blue", "unknown option(s) colour"),
    ]:
        with pytest.raises(StorageError, match=why.replace("(", r"\(").replace(")", r"\)")):
            open_storage(wrong)


def test_a_folder_key_cannot_climb_out_of_the_folder(tmp_path: Path) -> None:
    folder = FolderStorage(tmp_path / "uploads")
    with pytest.raises(StorageError):
        folder.put("../outside.pdf", PDF)
    assert not (tmp_path / "outside.pdf").exists()


def test_what_is_put_reads_back_whole_and_a_missing_key_says_so() -> None:
    where = storage()
    where.put("zz/zz-probe.pdf", PDF)
    try:
        assert read(where, "zz/zz-probe.pdf") == PDF
        assert where.exists("zz/zz-probe.pdf")
        assert "zz/zz-probe.pdf" in {stored.key for stored in where.objects()}
        assert sha256(where, "zz/zz-nothing.pdf") is None
        with pytest.raises(FileNotFoundError):
            read(where, "zz/zz-nothing.pdf")
    finally:
        where.delete("zz/zz-probe.pdf")
    assert not where.exists("zz/zz-probe.pdf")


def test_a_letter_downloads_from_the_storage_behind_the_permission_check(
    client, login, app: Flask
) -> None:
    owner = make_user()
    registration = register(owner, make_open_meeting())
    db.session.commit()
    url = f"/registrations/{registration.id}/letter"
    login(make_user())  # another delegate
    assert client.get(url).status_code in (403, 404)
    client.post("/logout")
    login(owner)
    download = client.get(url)
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()


def test_a_document_whose_file_is_gone_answers_not_found_not_an_error(client, login) -> None:
    owner = make_user()
    registration = register(owner, make_open_meeting())
    db.session.commit()
    documents.remove(registration.nomination_letter.stored_name)
    login(owner)
    assert client.get(f"/registrations/{registration.id}/letter").status_code == 404


def test_readyz_says_when_the_storage_cannot_be_written(database_url, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    broken = make_app(
        database_url,
        tmp_path,
        storage_url=f"s3://nowhere?endpoint_url=http://127.0.0.1:{port}&region=us-east-1",
    )
    broken.extensions["meetings_storage"].client.meta.config.retries = {"max_attempts": 1}
    ready = broken.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"]["storage"] == "unreachable"


@pytest.mark.concurrency
def test_migrate_storage_copies_every_document_checked_and_resumes(
    committed: Flask, storages: Storages
) -> None:
    meeting = make_open_meeting()
    for _ in range(3):
        register(make_user(), meeting)
    db.session.commit()
    names = dict(db.session.execute(sa.select(sa.text("stored_name, sha256 FROM document"))).all())
    source, target = committed.config["STORAGE_URL"], storages.new("moved")
    runner = committed.test_cli_runner()

    first = runner.invoke(args=["documents", "migrate-storage", source, target])
    assert first.exit_code == 0, first.output
    assert f"copied {len(names)} document(s); 0 already in" in first.output
    moved = open_storage(target)
    assert {name: sha256(moved, key_of(name)) for name in names} == names

    # Interrupted half-way and run again: only what is missing or altered is copied.
    damaged = next(iter(names))
    moved.put(key_of(damaged), b"%PDF-1.4 cut short")
    again = runner.invoke(args=["documents", "migrate-storage", source, target])
    assert again.exit_code == 0, again.output
    assert f"copied 1 document(s); {len(names) - 1} already in" in again.output
    assert sha256(moved, key_of(damaged)) == names[damaged]

    # A document the source has lost is named, and the run fails.
    documents.remove(damaged)
    elsewhere = storages.new("third")
    lost = runner.invoke(args=["documents", "migrate-storage", source, elsewhere])
    assert lost.exit_code == 1
    assert f"missing or altered in the source: {damaged}" in lost.output
    assert read(moved, key_of(damaged))  # nothing is ever deleted from a source or target
