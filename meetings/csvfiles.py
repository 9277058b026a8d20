"""Reading CSV files people upload (a programme, exchange rates): all rows or none.

A file is read as UTF-8 with or without a byte-order mark; a binary file (a spreadsheet saved as
.xlsx, a PDF) is told so. Comma- and semicolon-separated files are both read (Excel writes
semicolons in French and Spanish settings). Every bad row is reported with its line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from meetings.errors import DomainError

# A single field larger than this is no programme or rate table: refused, not a 500.
MAX_FIELD = 64 * 1024
csv.field_size_limit(MAX_FIELD)


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return str(_("Line %(line)d: %(message)s", line=self.line, message=self.message))


class CsvImportError(DomainError):
    """Nothing was imported; ``problems`` says why, line by line."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(
            ngettext(
                "Nothing was imported: %(num)d line has problems.",
                "Nothing was imported: %(num)d lines have problems.",
                len(problems),
            )
        )
        self.problems = problems


# The first bytes of files people upload instead of a CSV: a workbook, an old Excel file, a PDF.
BINARY_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff")


def read_text(data: bytes, *, field: str = "file") -> str:
    """The text of an uploaded CSV file (UTF-8, with or without byte-order mark)."""
    if data.startswith(BINARY_STARTS) or b"\x00" in data[:4096]:
        raise DomainError(
            _("This is not a CSV file. Save the table as “CSV UTF-8” and try again."), field=field
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."), field=field
        ) from None


def _delimiter(text: str) -> str:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


@dataclass
class Table:
    """The rows of a CSV text as dictionaries keyed by lower-cased column names."""

    header: list[str]
    reader: csv.DictReader[str]

    def missing(self, required: tuple[str, ...]) -> list[str]:
        return [column for column in required if column not in self.header]

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, values) of each row that is not blank."""
        try:
            for raw in self.reader:
                values = {k: (v or "") for k, v in raw.items() if k is not None}
                if any(v.strip() for v in values.values()):
                    yield self.reader.line_num, values
        except csv.Error as error:
            raise CsvImportError(
                [
                    ImportProblem(
                        self.reader.line_num,
                        _("the file cannot be read as CSV (%(error)s).", error=str(error)),
                    )
                ]
            ) from None


def table(text: str) -> Table:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=_delimiter(text))
    try:
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        raise CsvImportError(
            [ImportProblem(1, _("the file cannot be read as CSV (%(error)s).", error=str(error)))]
        ) from None
    reader.fieldnames = header
    return Table(header, reader)
