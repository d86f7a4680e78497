"""What `flask coach eval` prints about the record: one row per script and a total, then a
line for each thing that went wrong, saying what was expected and what was stored."""

from __future__ import annotations

from .figures import grid

HEADER = ["script", "record right", "accuracy", "unrequested", "leaks", "result"]


def _share(right: int, expected: int) -> str:
    return f"{right * 100 // expected}%" if expected else "-"


def record_table(rows: list[dict]) -> str:
    cells, total = [HEADER], {"expected": 0, "right": 0, "unrequested": 0, "leaks": 0}
    for row in rows:
        record = row.get("record")
        if "error" in row:
            cells.append([row["script"], "-", "-", "-", "-", "FAILED (see below)"])
            continue
        if record is None:
            cells.append([row["script"], "-", "-", "-", "-", "no expect block"])
            continue
        for key in ("expected", "right"):
            total[key] += record[key]
        total["unrequested"] += len(record["unrequested"])
        total["leaks"] += len(record["leaks"])
        cells.append([row["script"], f"{record['right']}/{record['expected']}",
                      _share(record["right"], record["expected"]),
                      str(len(record["unrequested"])), str(len(record["leaks"])),
                      "ok" if record["ok"] else "FAILED"])
    failed = sum(1 for row in rows if not passed(row))
    cells.append(["total", f"{total['right']}/{total['expected']}",
                  _share(total["right"], total["expected"]),
                  str(total["unrequested"]), str(total["leaks"]),
                  f"{failed} of {len(rows)} failed" if failed else "ok"])
    return grid(cells)


def passed(row: dict) -> bool:
    """A script passes when it ran and its record is what it expects (or it expects nothing)."""
    return "error" not in row and (row.get("record") is None or row["record"]["ok"])


def failure_lines(rows: list[dict]) -> list[str]:
    lines = []
    for row in rows:
        name, record = row["script"], row.get("record")
        if "error" in row:
            lines.append(f"{name}: {row['error']}")
            continue
        for check in (record or {}).get("checks", []):
            if not check["ok"]:
                lines.append(f"{name}: {check['kind']} {check['item']!r}: expected "
                             f"{check['expected']}; stored {check['stored']}")
        lines += [f"{name}: unrequested: {item}" for item in (record or {}).get("unrequested", [])]
        lines += [f"{name}: summary leak: {phrase!r} is in the summary"
                  for phrase in (record or {}).get("leaks", [])]
    return lines
