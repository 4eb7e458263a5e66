"""Parse attendance exports from Zoom.

Two layouts are understood:

* the **webinar attendee report** (Reports › Webinar › Attendee report), a CSV with a
  preamble: a title line (``Attendee Report``), ``Report Generated:``, a ``Topic,Webinar ID,
  Actual Start Time,...`` summary, then sections — ``Host Details``, ``Panelist Details``,
  ``Attendee Details``, sometimes ``Other Attended`` — each a title line followed by its own
  header (``Attended,User Name (Original Name),First Name,Last Name,Email,...,Join Time,
  Leave Time,Time in Session (minutes),Is Guest,Country/Region Name``). Only the attendee
  sections are read; ``Attended`` is ``Yes``/``No`` and no-shows carry ``--`` times. Someone
  who rejoined appears once per session.
* the **meeting participants export** (``Name (Original Name),User Email,Join Time,
  Leave Time,Duration (Minutes),Guest,...``): a header on the first line, everyone listed
  attended.

Rows are validated all together; ``AttendanceImportError.errors`` maps the 1-based line
number in the file to its problems so staff can fix the file and upload it again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.errors import ApplicationError

MAX_BYTES = 5 * 1024 * 1024
SECTION_TITLES = {
    "attendee report",
    "host details",
    "panelist details",
    "attendee details",
    "other attended",
    "registrant details",
}
ATTENDEE_SECTIONS = {"attendee details", "other attended"}
EMAIL_HEADERS = ("email", "user email", "attendee email")
NAME_HEADERS = ("user name (original name)", "name (original name)", "user name", "name")
ATTENDED_HEADERS = ("attended",)
JOIN_HEADERS = ("join time",)
LEAVE_HEADERS = ("leave time",)
MINUTES_HEADERS = ("time in session (minutes)", "duration (minutes)", "duration")
EMPTY = {"", "--", "-"}
TIME_FORMATS = (
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
)


class AttendanceImportError(ApplicationError):
    """The file cannot be imported; ``errors`` is ``{line_number: [messages]}`` (0 = file),
    ``details`` the same keyed ``file`` / ``line N``."""

    def __init__(self, errors: dict[int, list[str]]):
        self.errors = dict(sorted(errors.items()))
        super().__init__(
            f"Nothing was imported: {len(self.errors)} problem(s) in the file.",
            {("file" if n == 0 else f"line {n}"): list(msgs) for n, msgs in self.errors.items()},
        )


@dataclass
class Attendee:
    email: str
    name: str = ""
    attended: bool = False
    minutes: int | None = None
    first_join: datetime | None = None
    last_leave: datetime | None = None
    rows: list[int] = field(default_factory=list)


@dataclass
class ZoomReport:
    layout: str
    attendees: list[Attendee]
    row_count: int


def _norm(cell: str) -> str:
    return " ".join((cell or "").replace("\ufeff", "").split()).strip().lower()


def _col(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _parse_time(value: str, tz: ZoneInfo) -> datetime:
    value = " ".join(value.split())
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    raise ValueError(f"unrecognised time “{value}”")


def _parse_minutes(value: str) -> float:
    number = float(value.replace(",", "."))
    if number < 0:
        raise ValueError("negative")
    return number


def _blocks(rows: list[list[str]]) -> tuple[str, list[tuple[int, list[str], list[list]]]]:
    """Find the attendee tables: ``(layout, [(header_line, header, [(line, cells), ...])])``."""
    tables: list[tuple[int, list[str], list]] = []
    titles = [(i, _norm(r[0])) for i, r in enumerate(rows) if len([c for c in r if c.strip()]) == 1]
    section_lines = {i for i, t in titles if t in SECTION_TITLES}
    if any(t in ATTENDEE_SECTIONS for _, t in titles):
        for i, title in titles:
            if title not in ATTENDEE_SECTIONS or i + 1 >= len(rows):
                continue
            header = [_norm(c) for c in rows[i + 1]]
            body = []
            for j in range(i + 2, len(rows)):
                if j in section_lines:
                    break
                body.append((j + 1, rows[j]))
            tables.append((i + 2, header, body))
        return "webinar_attendee_report", tables
    for i, row in enumerate(rows):
        header = [_norm(c) for c in row]
        if _col(header, EMAIL_HEADERS) is not None and _col(header, NAME_HEADERS) is not None:
            body = [(j + 1, rows[j]) for j in range(i + 1, len(rows))]
            tables.append((i + 1, header, body))
            return "participants", tables
    return "unknown", []


def parse_zoom_report(content: bytes, *, tz: ZoneInfo) -> ZoomReport:
    """Validate every row and aggregate sessions per email; raise ``AttendanceImportError``
    listing every bad row, so a half-valid file is never imported half-way."""
    if len(content) > MAX_BYTES:
        raise AttendanceImportError({0: [f"The file is larger than {MAX_BYTES // 1024} KB."]})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            raise AttendanceImportError({0: ["The file is not UTF-8 text."]}) from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise AttendanceImportError({0: [f"Not a readable CSV file ({exc})."]}) from None
    layout, tables = _blocks(rows)
    if not tables:
        raise AttendanceImportError(
            {
                0: [
                    "No attendee table found: expected Zoom's webinar attendee report "
                    "(an “Attendee Details” section) or a participants export with "
                    "“Name (Original Name)” and “User Email” columns."
                ]
            }
        )
    errors: dict[int, list[str]] = {}
    people: dict[str, Attendee] = {}
    row_count = 0
    for header_line, header, body in tables:
        email_i = _col(header, EMAIL_HEADERS)
        if email_i is None:
            errors[header_line] = ["The header has no Email column."]
            continue
        name_i = _col(header, NAME_HEADERS)
        attended_i = _col(header, ATTENDED_HEADERS)
        join_i = _col(header, JOIN_HEADERS)
        leave_i = _col(header, LEAVE_HEADERS)
        minutes_i = _col(header, MINUTES_HEADERS)
        for line, cells in body:
            if not any(c.strip() for c in cells):
                continue
            row_count += 1
            problems: list[str] = []
            if len(cells) > len(header) + 1:
                problems.append(
                    f"{len(cells)} columns where the header has {len(header)} (an unquoted comma?)."
                )
            cells = [*cells, *[""] * (len(header) - len(cells))]

            def cell(i: int | None, _cells=cells) -> str:
                return _cells[i].strip() if i is not None else ""

            email = cell(email_i).lower()
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"“{cell(email_i)}” is not a valid email address.")
            attended_raw = cell(attended_i).lower() if attended_i is not None else "yes"
            if attended_raw not in ("yes", "no"):
                problems.append(f"Attended must be Yes or No, not “{cell(attended_i)}”.")
            attended = attended_raw == "yes"
            join = leave = None
            minutes = None
            for label, index in (("Join Time", join_i), ("Leave Time", leave_i)):
                raw = cell(index)
                if raw in EMPTY:
                    continue
                try:
                    parsed = _parse_time(raw, tz)
                except ValueError as exc:
                    problems.append(f"{label}: {exc}.")
                    continue
                if label == "Join Time":
                    join = parsed
                else:
                    leave = parsed
            if join and leave and leave < join:
                problems.append("Leave Time is before Join Time.")
            raw_minutes = cell(minutes_i)
            if raw_minutes not in EMPTY:
                try:
                    minutes = _parse_minutes(raw_minutes)
                except ValueError:
                    problems.append(f"“{raw_minutes}” is not a number of minutes.")
            if attended and attended_i is not None and join is None and minutes is None:
                problems.append("Marked as attended but has no join time or minutes.")
            if problems:
                errors[line] = problems
                continue
            person = people.setdefault(email, Attendee(email=email))
            person.rows.append(line)
            person.name = person.name or cell(name_i)
            person.attended = person.attended or attended
            if attended:
                if minutes is not None:
                    person.minutes = (person.minutes or 0) + minutes
                if join and (person.first_join is None or join < person.first_join):
                    person.first_join = join
                if leave and (person.last_leave is None or leave > person.last_leave):
                    person.last_leave = leave
    if errors:
        raise AttendanceImportError(errors)
    if row_count == 0:
        raise AttendanceImportError({0: ["The attendee table has no rows."]})
    for person in people.values():
        if person.minutes is not None:
            person.minutes = round(person.minutes)
    return ZoomReport(layout=layout, attendees=list(people.values()), row_count=row_count)
