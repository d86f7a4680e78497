"""Figures as words: money, percentages, a metric's movement, the period's headline.

The one home for formatting money and figures, used by prompts, the offline coach and the
summary, so a figure reads the same wherever the rep or the manager sees it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

LABELS = {
    "pipeline_count": "number of open opportunities",
    "proposals": "proposals presented",
    "deals_closed": "deals closed",
    "pipeline_value": "pipeline value",
    "closed_value": "closed value",
    "quota": "quota",
    "attainment": "attainment against quota",
}
MONEY = {"pipeline_value", "closed_value", "quota"}


def money(value, currency: str = "") -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{currency} {text}".strip()


NO_QUOTA = "no quota set"


def _amount(value) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def pct(value) -> str:
    if _amount(value) is None:  # attainment without a quota, or a figure nobody recorded
        return "not known"
    number = abs(float(value))
    return f"{number:.0f}%" if number >= 10 or number == int(number) else f"{number:.1f}%"


def figure(metric: str, value, currency: str = "") -> str:
    """One figure as words. A quota of 0 (or none) and the attainment it makes meaningless say
    so: 0 is what a rep gets when nobody entered a quota, and no division by it happens."""
    if metric == "quota" and not _amount(value):
        return NO_QUOTA
    if metric == "attainment" and value is None:
        return NO_QUOTA
    if value is None:
        return "not recorded"
    if metric in MONEY:
        return money(value, currency)
    if metric == "attainment":
        return pct(value)
    return str(value)


def stated(metric: str, data: dict, currency: str = "") -> str:
    """One line item of the data block: 'quota USD 60,000 (+5%)', 'no quota set', or '' for an
    attainment without a quota (the quota item already said so)."""
    value, change = data.get("value"), data.get("change_pct")
    if metric == "attainment" and value is None:
        return ""
    shown = figure(metric, value, currency)
    if shown == NO_QUOTA:
        return shown
    return f"{LABELS.get(metric, metric)} {shown}" + (
        f" ({float(change):+.0f}%)" if change is not None else "")


def movement(metric: str, data: dict, currency: str = "") -> str:
    """'down 5% on the previous period (EUR 42,000 against EUR 44,200)'."""
    change = data.get("change_pct")
    now = figure(metric, data.get("value"), currency)
    if data.get("previous") is None or change is None:
        return f"at {now}"
    before = figure(metric, data["previous"], currency)
    if abs(float(change)) < 0.5:
        return f"flat on the previous period at {now}"
    direction = "up" if float(change) > 0 else "down"
    return f"{direction} {pct(change)} on the previous period ({now} against {before})"


def headline(context: dict) -> str:
    """The metric that moved most, closed value first on ties, as a phrase."""
    periods = context.get("periods") or []
    if not periods:
        raise KeyError("no periods")
    metrics = periods[0]["metrics"]
    currency = context.get("currency", "")
    order = ["closed_value", "deals_closed", "pipeline_value", "proposals", "pipeline_count"]
    known = [m for m in order if m in metrics]
    moved = [m for m in known if metrics[m].get("change_pct") is not None]
    # closed value leads when it moved (it is what the rep is paid on), else the biggest mover
    pick = "closed_value" if "closed_value" in moved else max(
        moved, key=lambda m: abs(float(metrics[m]["change_pct"])), default=known[0])
    verb = "are" if LABELS[pick].endswith(("closed", "presented")) else "is"
    return f"your {LABELS[pick]} {verb} {movement(pick, metrics[pick], currency)}"
