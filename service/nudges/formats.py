"""How a nudge reads: the rep's reminder and the manager's digest as email text, and the digest as
a Slack message (blocks, with a text fallback) or a Microsoft Teams Adaptive Card.

Pure functions of the content (digest.py) and the links; nothing here reads the database.
"""

from dataclasses import dataclass
from datetime import date

from .digest import Digest, RepDue


@dataclass(frozen=True)
class Links:
    base: str  # PUBLIC_URL: the review pages and the unsubscribe page are under it
    coach: str = ""  # NUDGE_COACH_URL: where reps open the coaching widget (their CRM page)

    def review(self, path: str = "") -> str:
        return f"{self.base}/review/{path}"


def _day(value: date, weekday: bool = False) -> str:
    return (f"{value:%A} " if weekday else "") + f"{value.day} {value:%B}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def _mode(key: str) -> str:
    return key.replace("_", " ")


def rep_email(due: RepDue, links: Links, unsubscribe: str) -> tuple[str, str]:
    """(subject, text) of a rep's reminder: what is due tomorrow, what is overdue."""
    parts = [f"{len(due.due_tomorrow)} due tomorrow"] * bool(due.due_tomorrow)
    parts += [f"{len(due.overdue)} overdue"] * bool(due.overdue)
    subject = "Your commitments: " + ", ".join(parts)
    lines = [f"Hi {_first_name(due.rep.name)},", ""]
    if due.due_tomorrow:
        lines.append(f"Due tomorrow, {_day(due.due_tomorrow[0].due_date, weekday=True)}:")
        lines += [_commitment_line(c) for c in due.due_tomorrow] + [""]
    if due.overdue:
        lines.append("Overdue:")
        lines += [_commitment_line(c, with_date=True) for c in due.overdue] + [""]
    lines.append(f"Follow them up with your coach: {links.coach}" if links.coach
                 else "Follow them up with your coach, or mark them done or dropped there.")
    lines += ["", "--", "You get this because you made these commitments in a coaching session.",
              f"Stop these reminders (one click): {unsubscribe}"]
    return subject, "\n".join(lines) + "\n"


def _commitment_line(c, with_date: bool = False) -> str:
    measure = f" (measure: {c.measure})" if c.measure else ""
    when = f", due {_day(c.due_date)}" if with_date else ""
    return f"- {c.text}{measure}{when}"


def digest_subject(d: Digest) -> str:
    return (f"{d.title}: {_plural(d.sessions_total, 'session')} confirmed, "
            f"{_plural(d.overdue_total, 'commitment')} overdue")


def _period(d: Digest) -> str:
    return f"{_day(d.week_start)} to {_day(d.week_end)} {d.week_end.year}"


def digest_email(d: Digest, name: str, links: Links, unsubscribe: str) -> tuple[str, str]:
    """(subject, text) of a manager's weekly digest."""
    lines = [f"Hi {_first_name(name)},", "", f"{d.title}, {_period(d)}.", ""]
    for heading, rows, more in _sections(d, links):
        lines.append(heading)
        lines += [f"- {text}: {url}" if url else f"- {text}" for text, url in rows] or ["- none"]
        lines += [more, ""]
    lines += ["--", "Your weekly digest from Sales Coach.",
              f"Stop these emails (one click): {unsubscribe}"]
    return digest_subject(d), "\n".join(lines) + "\n"


def _sections(d: Digest, links: Links) -> list[tuple[str, list[tuple[str, str]], str]]:
    """(heading, [(text, link)], the link to the whole list) per part of the digest."""
    sessions = [(f"{_day(s['confirmed_at'])}, {s['rep']}: {_mode(s['mode'])}"
                 + (f" on {s['opportunity']}" if s["opportunity"] else "")
                 + (" (asked for help)" if s["help_asked"] else ""), links.review(f"sessions/{s['id']}"))
                for s in d.sessions]
    overdue = [(f"{c['rep']}: {c['text']} (due {_day(c['due_date'])})", "") for c in d.overdue]
    questions = [(f"{q['rep']}, {q['title']}: {q['question']}", "") for q in d.questions]
    return [
        (f"Confirmed sessions ({d.sessions_total})", sessions, f"All sessions: {links.review('sessions')}"),
        (f"Overdue commitments ({d.overdue_total})", overdue,
         f"Open commitments: {links.review('commitments')}"),
        ("Ask at your next one-to-ones", questions, f"Ask now: {links.review('ask-now')}"),
    ]


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(d: Digest, links: Links) -> dict:
    """A Slack incoming-webhook message: header, one section per part, `text` as the fallback."""
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": d.title[:150]}},
              {"type": "context", "elements": [{"type": "mrkdwn", "text": _period(d)}]}]
    for heading, rows, more in _sections(d, links):
        items = [f"• <{url}|{_slack_escape(text)}>" if url else f"• {_slack_escape(text)}"
                 for text, url in rows] or ["• none"]
        label, _, url = more.partition(": ")
        text = f"*{_slack_escape(heading)}*\n" + "\n".join(items) + f"\n<{url}|{label}>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    return {"text": f"{digest_subject(d)} ({_period(d)})", "blocks": blocks}


def teams(d: Digest, links: Links) -> dict:
    """A Teams incoming-webhook (Workflows) message carrying one Adaptive Card."""
    body = [{"type": "TextBlock", "text": d.title, "size": "Large", "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": _period(d), "isSubtle": True, "spacing": "None"}]
    for heading, rows, more in _sections(d, links):
        body.append({"type": "TextBlock", "text": heading, "weight": "Bolder", "separator": True,
                     "wrap": True})
        body += [{"type": "TextBlock", "text": f"[{text}]({url})" if url else text, "wrap": True,
                  "spacing": "Small"} for text, url in rows] or [
            {"type": "TextBlock", "text": "none", "isSubtle": True}]
        label, _, url = more.partition(": ")
        body.append({"type": "TextBlock", "text": f"[{label}]({url})", "spacing": "Small"})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body,
            "actions": [{"type": "Action.OpenUrl", "title": "Open the review", "url": links.review()}]}
    return {"type": "message", "summary": digest_subject(d), "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}
