"""A CSV file on disk, read row by row (never whole into memory): its dialect and encoding,
the fields each kind of record takes, the guessed column mapping, the preview, and rows turned
into the records `upsert.py` stores (stage names through the admin's stage mapping)."""

import csv
import difflib
import re
from collections import Counter
from dataclasses import dataclass

from models import KPI_FIELDS

from ..domain_errors import Invalid

FIELDS = {
    "accounts": ("external_id", "name", "owner_email", "segment", "territory"),
    "opportunities": ("external_id", "name", "account_external_id", "owner_email", "stage", "amount",
                      "currency", "close_date", "probability", "status", "stage_entered_at",
                      "stage_history"),
    "kpi_snapshots": ("rep_email", "period_type", "period_start", *KPI_FIELDS, "currency",
                      "external_id"),
    "users": ("email", "name", "role", "team", "external_id"),
}
REQUIRED = {
    "accounts": ("external_id", "name", "owner_email"),
    "opportunities": ("external_id", "name", "account_external_id", "owner_email", "stage", "amount"),
    "kpi_snapshots": ("rep_email", "period_start"),
    "users": ("email",),
}
# Header spellings CRMs export, normalised (lower case, letters and digits only).
ALIASES = {
    "external_id": {"id", "externalid", "crmid", "recordid", "dealid", "opportunityid",
                    "accountid", "userid", "hsobjectid"},
    "name": {"dealname", "opportunityname", "accountname", "companyname", "fullname", "username"},
    "account_external_id": {"accountid", "account", "companyid", "accountexternalid"},
    "owner_email": {"owner", "ownerid", "dealowner", "accountowner", "opportunityowner", "email"},
    "rep_email": {"rep", "email", "owner", "owneremail", "repemail"},
    "stage": {"dealstage", "stagename", "salesstage", "opportunitystage"},
    "amount": {"value", "dealvalue", "amountusd", "opportunityamount"},
    "close_date": {"closedate", "expectedclosedate", "closingdate"},
    "probability": {"probabilitypercent", "winprobability", "dealprobability"},
    "status": {"state", "dealstatus", "wonlost"},
    "stage_entered_at": {"stagedate", "stagechangedate", "laststagechangedate", "stageentered"},
    "stage_history": {"history", "stagehistory", "stages"},
    "period_start": {"period", "month", "week", "periodstart", "date"},
    "team": {"teamname", "group"},
}
SNIFF_BYTES = 64 * 1024


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class CsvFormat:
    encoding: str
    delimiter: str


def detect(path: str) -> CsvFormat:
    """UTF-8 (with or without BOM) unless the start of the file is not; the delimiter sniffed."""
    with open(path, "rb") as file:
        head = file.read(SNIFF_BYTES)
    try:
        text = head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as cut:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if cut.start < len(head) - 3:
            text, encoding = head.decode("cp1252", errors="replace"), "cp1252"
        else:
            text, encoding = head[:cut.start].decode("utf-8-sig"), "utf-8-sig"
    first_line = text.splitlines()[0] if text else ""
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    return CsvFormat(encoding, delimiter)


class Rows:
    """(line number, cells) of each non-empty data row, read lazily; closes its file at the end
    (or on close())."""

    def __init__(self, file, reader):
        self.file, self.reader = file, reader

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, list[str]]:
        if self.file.closed:
            raise StopIteration
        for cells in self.reader:
            if any(c.strip() for c in cells):
                return self.reader.line_num, cells
        self.close()
        raise StopIteration

    def close(self) -> None:
        self.file.close()


def read(path: str, fmt: CsvFormat | None = None) -> tuple[list[str], Rows]:
    """The header and the rows, read lazily from the file."""
    fmt = fmt or detect(path)
    file = open(path, newline="", encoding=fmt.encoding, errors="replace")  # noqa: SIM115
    reader = csv.reader(file, delimiter=fmt.delimiter)
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        file.close()
        raise Invalid({"file": ["The file has no header row."]})
    return header, Rows(file, reader)


def count_rows(path: str) -> int:
    _, rows = read(path)
    return sum(1 for _ in rows)


def guess_mapping(kind: str, header: list[str]) -> dict[str, str]:
    """CSV header -> field, for the headers that name a field (each field taken once)."""
    mapping, taken = {}, set()
    for exact in (True, False):
        for column in header:
            if column in mapping:
                continue
            key = _norm(column)
            # "Account ID" in a deals file is the deal's account, in an accounts file its own id
            for field in sorted(FIELDS[kind], key=lambda f: f != "account_external_id"):
                hit = key == _norm(field) if exact else key in ALIASES.get(field, ())
                if hit and field not in taken:
                    mapping[column] = field
                    taken.add(field)
                    break
    return mapping


def check_mapping(kind: str, mapping: dict[str, str], header: list[str]) -> None:
    fields = FIELDS[kind]
    problems = [f"{column!r} is not a column of the file" for column in mapping if column not in header]
    problems += [f"{field!r} is not a field of {kind}" for field in mapping.values()
                 if field and field not in fields]
    used = [f for f in mapping.values() if f]
    problems += [f"{field!r} is mapped from more than one column"
                 for field, n in Counter(used).items() if n > 1]
    problems += [f"map a column to {field!r}" for field in REQUIRED[kind] if field not in used]
    if problems:
        raise Invalid({"mapping": problems})


def suggest_stage(name: str, stages: list[str]) -> str | None:
    """Our stage a CRM stage name most likely means: the same name, one starting alike, or a
    close spelling; None when nothing is close."""
    by_norm = {_norm(s): s for s in stages}
    key = _norm(name)
    if key in by_norm:
        return by_norm[key]
    starts = [s for n, s in by_norm.items() if n and (key.startswith(n) or n.startswith(key))]
    if key and starts:
        return starts[0]
    close = difflib.get_close_matches(key, list(by_norm), n=1, cutoff=0.6)
    return by_norm[close[0]] if close else None


def _stage(name: str, stage_map: dict[str, str]) -> str:
    name = name.strip()
    return stage_map.get(name) or stage_map.get(name.lower()) or name


def _history(cell: str, stage_map: dict[str, str]) -> list[dict]:
    """'Prospecting=2026-09-01; Discovery=2026-10-05T08:00:00Z' -> stage history entries."""
    entries = []
    for part in cell.split(";"):
        if part.strip():
            stage, _, at = part.partition("=")
            entries.append({"stage": _stage(stage, stage_map), "changed_at": at.strip()})
    return entries


def to_record(header: list[str], cells: list[str], mapping: dict[str, str],
              stage_map: dict[str, str]) -> dict:
    """One row as the record its kind's upsert takes."""
    record = {}
    for column, cell in zip(header, cells, strict=False):
        field = mapping.get(column)
        if field == "stage":
            record[field] = _stage(cell, stage_map)
        elif field == "stage_history":
            record[field] = _history(cell, stage_map)
        elif field:
            record[field] = cell
    for field in mapping.values():
        record.setdefault(field, "")  # a short row: its missing cells are empty
    return record


def raw_row(header: list[str], cells: list[str]) -> dict:
    row = dict(zip(header, cells, strict=False))
    if len(cells) > len(header):
        row["(extra cells)"] = cells[len(header):]
    return row


def preview(path: str, kind: str, stages: list[str], mapping: dict | None = None,
            stage_map: dict | None = None, *, rows: int = 5, scan: int = 1000) -> dict:
    """The header, the (guessed) mapping, the first mapped rows, and the distinct stage names
    in the first `scan` rows with the stage each is mapped (or suggested) to."""
    header, lines = read(path)
    mapping = mapping if mapping is not None else guess_mapping(kind, header)
    stage_map = stage_map or {}
    sample, found = [], Counter()
    for index, (_, cells) in enumerate(lines):
        if index >= scan:
            break
        record = to_record(header, cells, mapping, {})
        if index < rows:
            sample.append(record)
        named = [record.get("stage", "")] + [e["stage"] for e in record.get("stage_history") or ()]
        found.update({name for name in named if name})
    lines.close()
    return {"kind": kind, "header": header, "fields": list(FIELDS[kind]), "required": list(REQUIRED[kind]),
            "mapping": mapping, "rows": sample,
            "stages": [{"name": name, "rows": n,
                        "mapped_to": stage_map.get(name) or suggest_stage(name, stages)}
                       for name, n in found.most_common()]}
