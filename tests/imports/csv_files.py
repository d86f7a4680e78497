"""CSV files the import tests upload, written the way CRMs export them."""

import csv

DEALS_HEADER = ["Deal ID", "Deal Name", "Account ID", "Deal Owner", "Deal Stage", "Amount",
                "Close Date", "Stage History"]


def write(path, header, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def accounts_file(path, label="one"):
    return write(path, ["Account ID", "Account Name", "Owner Email", "Segment"], [
        ["A-1", "Acme", f"rep_a1@{label}.test", "SMB"],
        ["A-2", "Globex", f"rep_b1@{label}.test", "Enterprise"],
    ])


def deals_file(path, label="one"):
    return write(path, DEALS_HEADER, [
        ["D-1", "Acme renewal", "A-1", f"rep_a1@{label}.test", "Qualified to buy", "12500",
         "2027-01-31", "Appointment scheduled=2026-09-01; Qualified to buy=2026-09-20"],
        ["D-2", "Globex expansion", "A-2", f"rep_b1@{label}.test", "Presentation scheduled",
         "80000.00", "2027-02-28", ""],
        ["D-3", "Bad amount", "A-1", f"rep_a1@{label}.test", "Qualified to buy", "lots", "", ""],
        ["D-4", "Nobody's", "A-1", "nobody@x.com", "Qualified to buy", "10", "", ""],
        ["D-5", "Odd stage", "A-1", f"rep_a1@{label}.test", "Lunch", "10", "", ""],
        ["D-6", "Bad date", "A-1", f"rep_a1@{label}.test", "Qualified to buy", "10", "31.02.2027", ""],
        ["", "No id", "A-1", f"rep_a1@{label}.test", "Qualified to buy", "10", "", ""],
    ])


DEAL_STAGES = {"Appointment scheduled": "Prospecting", "Qualified to buy": "Qualification",
               "Presentation scheduled": "Proposal"}
