"""Figures as words: money, percentages, a metric's movement, the period's headline.

The one home for formatting money and figures, used by prompts, the offline coach and the
summary, so a figure reads the same wherever the rep or the manager sees it. The words are the
language's (phrasing.toml [figures]; ``lang``, English by default).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .. import language
from ..language import ENGLISH, Language

MONEY = {"pipeline_value", "closed_value", "quota"}


def money(value, currency: str = "", lang: Language = ENGLISH) -> str:
    """'EUR 42,000' in English, '42.000 EUR' in Spanish (where '42,000' would read as 42)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    says = lang.phrasing.figures
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    text = text.replace(",", "\0").replace(".", says.decimal).replace("\0", says.thousands)
    return says.money.format(currency=currency, amount=text).strip()


def _amount(value) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def pct(value, lang: Language = ENGLISH) -> str:
    if _amount(value) is None:  # attainment without a quota, or a figure nobody recorded
        return lang.phrasing.figures.not_known
    number = abs(float(value))
    return f"{number:.0f}%" if number >= 10 or number == int(number) else f"{number:.1f}%"


def figure(metric: str, value, currency: str = "", lang: Language = ENGLISH) -> str:
    """One figure as words. A quota of 0 (or none) and the attainment it makes meaningless say
    so: 0 is what a rep gets when nobody entered a quota, and no division by it happens."""
    says = lang.phrasing.figures
    if metric == "quota" and not _amount(value):
        return says.no_quota
    if metric == "attainment" and value is None:
        return says.no_quota
    if value is None:
        return says.not_recorded
    if metric in MONEY:
        return money(value, currency, lang)
    if metric == "attainment":
        return pct(value, lang)
    return str(value)


def stated(metric: str, data: dict, currency: str = "", lang: Language = ENGLISH) -> str:
    """One line item of the data block: 'quota USD 60,000 (+5%)', 'no quota set', or '' for an
    attainment without a quota (the quota item already said so)."""
    value, change = data.get("value"), data.get("change_pct")
    if metric == "attainment" and value is None:
        return ""
    shown = figure(metric, value, currency, lang)
    if shown == lang.phrasing.figures.no_quota:
        return shown
    return f"{lang.phrasing.figures.labels.get(metric, metric)} {shown}" + (
        f" ({float(change):+.0f}%)" if change is not None else "")


def movement(metric: str, data: dict, currency: str = "", lang: Language = ENGLISH) -> str:
    """'down 5% on the previous period (EUR 42,000 against EUR 44,200)'."""
    says = lang.phrasing.figures
    change = data.get("change_pct")
    now = figure(metric, data.get("value"), currency, lang)
    if data.get("previous") is None or change is None:
        return says.at.format(now=now)
    before = figure(metric, data["previous"], currency, lang)
    if abs(float(change)) < 0.5:
        return says.flat.format(now=now)
    moved = says.up if float(change) > 0 else says.down
    return moved.format(pct=pct(change, lang), now=now, before=before)


def headline(context: dict) -> str:
    """The metric that moved most, closed value first on ties, as a phrase in the context's
    language."""
    lang = language.of(context)
    says = lang.phrasing.figures
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
    line = says.headline_plural if pick in says.plural else says.headline
    return line.format(label=says.labels[pick],
                       movement=movement(pick, metrics[pick], currency, lang))
