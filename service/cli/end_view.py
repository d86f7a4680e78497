"""The terminal coach's end view: the drafted summary, the answers heard (picked or proposed)
and the drafted commitments, for the rep to correct before anything is shared.

Each edit is the orchestration function the API's edit uses (ending.edit_summary,
drafts.add_draft / remove_draft, lifecycle.discard / reopen), so the summary and the record
come out the same whichever client made them.
"""

from __future__ import annotations

import re
from datetime import date

import click
from sqlalchemy import select

from models import COMMITMENT_KIND_WORDS, FOLLOW_UP_ANSWERS, CoachingSession, Commitment

from ..coach import EngineError, SessionState, language
from ..coach.language.dates import find_date
from ..domain_errors import DomainError
from ..errors import error_event
from ..sessions.answers import answers_of
from ..sessions.drafts import add_draft, remove_draft
from ..sessions.ending import edit_summary, end_session
from ..sessions.lifecycle import discard, reopen
from .pickers import problem, read_line

HELP = """Commands:
  /remove N               delete draft commitment N (it was never made: it counts nowhere)
  /add <text> [by <date>] add a commitment: "/add Send the pilot proposal by next Wednesday"
  /answer N <value>       set answer N: a follow-up done, partly, not_yet or dropped (or the
                          option's number 1-4), a rating 1-5; it is then your pick
  /summary <text>         replace the summary's wording
  /confirm                share it with your manager: proposed answers are recorded as shown
  /discard                delete the session and all it drafted (follow-ups answered in it are
                          asked again next time)
  /back                   back to the conversation (the draft is redrawn when you /end again)
  /quit                   leave it as a draft; the next `coach chat` offers it again
  /help                   this help"""


class EndView:
    """The end view of one session; ``run`` answers confirmed, discarded, back or quit."""

    def __init__(self, sm, coach, session_id: int):
        self.sm, self.coach, self.session_id = sm, coach, session_id

    def end(self) -> bool:
        """Draft the summary and commitments (the session ends); False when the coach could not."""
        try:
            end_session(self.sm, self.coach, self.session_id)
        except EngineError as exc:
            click.echo(f"[{error_event(exc)['code']}] The coach could not draft the summary. "
                       "Type /end to try again.", err=True)
            return False
        return True

    def run(self) -> str:
        self.show()
        while True:
            line = read_line("end")
            if line is None or line.strip() == "/quit":
                click.echo(f"session {self.session_id} left as a draft: your manager does not "
                           "see it until you confirm it")
                return "quit"
            command, _, rest = line.strip().partition(" ")
            handler = {"/remove": self._remove, "/add": self._add, "/answer": self._answer,
                       "/summary": self._summary, "/confirm": self._confirm,
                       "/discard": self._discard, "/back": self._back}.get(command)
            if command == "/help":
                click.echo(HELP)
            elif handler is None:
                click.echo("Check the draft, then /confirm it (or /help for what else).")
            else:
                try:
                    outcome = handler(rest.strip())
                except DomainError as exc:
                    click.echo(problem(exc), err=True)
                    continue
                if outcome:
                    return outcome

    # -- what the rep sees -----------------------------------------------------------------------

    def _load(self, s) -> tuple[CoachingSession, list[dict], list[Commitment]]:
        row = s.get(CoachingSession, self.session_id)
        drafts = list(s.scalars(select(Commitment).where(Commitment.session_id == row.id)
                                .order_by(Commitment.id)))
        return row, answers_of(row), drafts

    def show(self) -> None:
        with self.sm() as s:
            row, answers, drafts = self._load(s)
            lang = language.of((row.state or {}).get("context"))
            click.echo("\nSummary (draft):\n  " + (row.summary or "(none)"))
            if row.help_asked:
                click.echo("Help asked: " + row.help_asked)
            if answers:
                click.echo("Your answers:")
                for n, answer in enumerate(answers, 1):
                    click.echo(f"  {n}) {_answer_line(answer, lang)}")
            click.echo("Commitments (draft):" if drafts else "Commitments: none drafted")
            for n, c in enumerate(drafts, 1):
                due = c.due_date.isoformat() if c.due_date else "no date"
                click.echo(f"  {n}) [{COMMITMENT_KIND_WORDS[c.kind]}] {c.text} (due {due}"
                           f"{'; ' + c.measure if c.measure else ''})")
        click.echo("/confirm to share it with your manager; /remove N, /add <text> [by <date>], "
                   "/answer N <value>, /discard, /back, /help")

    # -- the rep's edits -------------------------------------------------------------------------

    def _numbered(self, items: list, text: str, what: str):
        m = re.match(r"(\d+)\b\s*(.*)", text)
        if m is None or not 1 <= int(m[1]) <= len(items):
            click.echo(f"Give the number of the {what}, 1 to {len(items)}." if items
                       else f"There is no {what} to change.")
            return None, ""
        return items[int(m[1]) - 1], m[2].strip()

    def _remove(self, text: str) -> None:
        with self.sm() as s:
            commitment, _ = self._numbered(self._load(s)[2], text, "commitment")
            if commitment is None:
                return
            remove_draft(s, self.coach, commitment)
        self.show()

    def _add(self, text: str) -> None:
        if not text:
            click.echo('Say what you will do: "/add Send the proposal by Friday".')
            return
        with self.sm() as s:
            row = s.get(CoachingSession, self.session_id)
            state = SessionState.from_dict(row.state)
            words, due = _dated(text, state.today(), language.of(state.context))
            add_draft(s, self.coach, row, {"text": words[:2000], "due_date": due})
        self.show()

    def _answer(self, text: str) -> None:
        with self.sm() as s:
            row, answers, _ = self._load(s)
            answer, value = self._numbered(answers, text, "answer")
            if answer is None:
                return
            lang = language.of((row.state or {}).get("context"))
            edit = _edit(answer, value, lang)
            if edit is None:
                click.echo("A follow-up is done, partly, not_yet or dropped (or 1-4)."
                           if answer["kind"] == "follow_up" else "A rating is 1 to 5.")
                return
            edit_summary(s, row, {"answers": [edit]}, self.coach)
        self.show()

    def _summary(self, text: str) -> None:
        if not text:
            click.echo("Type the summary after /summary.")
            return
        with self.sm() as s:
            edit_summary(s, s.get(CoachingSession, self.session_id), {"summary": text[:20000]})
        self.show()

    def _confirm(self, _text: str) -> str:
        with self.sm() as s:
            edit_summary(s, s.get(CoachingSession, self.session_id), {"confirmed": True})
        click.echo(f"session {self.session_id} confirmed and shared with your manager")
        return "confirmed"

    def _discard(self, _text: str) -> str | None:
        if not click.confirm(f"Discard session {self.session_id} and everything it drafted?",
                             default=False):
            return None
        with self.sm() as s:
            discard(s, s.get(CoachingSession, self.session_id))
        click.echo(f"session {self.session_id} discarded")
        return "discarded"

    def _back(self, _text: str) -> str:
        with self.sm() as s:
            reopen(s, s.get(CoachingSession, self.session_id))
        return "back"


def _answer_line(answer: dict, lang: language.Language) -> str:
    source = "picked" if answer.get("source") == "choice" else "proposed - check it"
    if answer["kind"] == "follow_up":
        value = lang.phrasing.choices.follow_up.get(answer.get("value") or "", "not understood:"
                                                    " set it with /answer")
        return f'follow-up "{answer.get("text", "")}": {value} ({source})'
    return f"rating {answer['skill']}: {answer['value']}/5 ({source})"


def _edit(answer: dict, value: str, lang: language.Language) -> dict | None:
    """The correction of ``answer`` the rep typed, as the summary edit of the API takes it."""
    value = value.strip().lower()
    if answer["kind"] == "rating":
        if value not in ("1", "2", "3", "4", "5"):
            return None
        return {"kind": "rating", "skill": answer["skill"], "value": int(value)}
    labels = {label.lower(): key for key, label in lang.phrasing.choices.follow_up.items()}
    options = list(lang.phrasing.choices.follow_up)
    if value.isdigit() and 1 <= int(value) <= len(options):
        value = options[int(value) - 1]
    value = labels.get(value, value.replace(" ", "_"))
    if value not in FOLLOW_UP_ANSWERS:
        return None
    return {"kind": "follow_up", "commitment_id": answer["commitment_id"], "value": value}


def _dated(text: str, today: date, lang: language.Language) -> tuple[str, date | None]:
    """'Send the proposal by Friday' -> ('Send the proposal', that Friday): the last 'by ...'
    is the due date when it reads as one (a date, 'next Wednesday', 'end of month')."""
    words, by, when = text.rpartition(" by ")
    if not by:
        return text, None
    try:
        return words.strip(), date.fromisoformat(when.strip())
    except ValueError:
        pass
    due, _ = find_date("by " + when, today, lang)
    if due is None:
        click.echo(f'("{when}" is not a date I can read: the commitment has no date.)')
        return text, None
    return words.strip(), due
