"""The terminal coach's conversation (`flask coach chat`).

What to coach on is picked from numbered lists (the modes, then the rep's own deals or
accounts), never typed as ids; a session the rep left active is offered for resuming, an ended
one waiting for confirmation for review. The coach's quick replies are numbered: a number picks
one, words are words (see HELP). Every step is the orchestration the API uses (service/sessions/),
so a terminal session is stored, resumed, ended and confirmed like any other.
"""

from __future__ import annotations

import re
import uuid

import click

from models import Account, CoachingSession, Opportunity, SessionAssignment, User

from ..coach import language, quick_replies
from ..domain_errors import DomainError
from ..errors import error_event
from ..sessions.assignments import link, start_kwargs
from ..sessions.claim import accept_message
from ..sessions.lifecycle import active_session, discard
from ..sessions.turn import create_session, open_session, run_turn
from .end_view import EndView
from .pickers import (
    describe,
    ended_drafts,
    pick_assignment,
    pick_mode,
    pick_own,
    problem,
    read_line,
)

HELP = """Commands:
  /end    the coach drafts the summary and your commitments; you check them before sharing
  /retry  send your last message again after the coach failed to answer it
  /quit   leave; the session stays active and the next `coach chat` offers to resume it
  /help   this help
Quick replies: when the coach's question comes with numbered answers ("1) Done  2) Partly"),
  type the number to pick one: it is recorded as your answer (a follow-up at once).
  Pick and explain with words after a comma, a colon, a dash or "because":
  "2, legal took a week" or "2 because legal took a week".
  Anything else is your answer in words ("3 meetings booked" is words, not option 3):
  the coach reads it as a proposal, which you check in the end view before it is recorded."""

# A pick: the option's number alone, or followed by a separator and words ('2, ...', '2 because
# ...'). '3 meetings booked' or '2.5' stay words: a misread number would record a fact the rep
# never gave, a missed one only leaves a proposal to check at the end.
_PICK = re.compile(r"\s*(\d{1,2})(?![\d.,]\d)\s*(.*)", re.S)
_SEPARATOR = re.compile(r"[,:;)\-\u2013\u2014.]|(?:because|since|as|but)\b", re.I)


def read_reply(line: str, offered: dict | None) -> tuple[str | None, str]:
    """(choice, text) for what the rep typed under the quick replies ``offered``."""
    options = (offered or {}).get("options") or []
    m = _PICK.fullmatch(line)
    if not options or m is None or not 1 <= int(m[1]) <= len(options):
        return None, line
    rest = m[2].strip()
    if rest and not _SEPARATOR.match(rest):
        return None, line
    return options[int(m[1]) - 1]["value"], rest.lstrip(",:;)-\u2013\u2014. ")


def choices_line(offered: dict | None, lang: language.Language) -> str:
    options = (offered or {}).get("options") or []
    picks = "  ".join(f"{n}) {o['label']}" for n, o in enumerate(options, 1))
    return f"  {picks}   ({lang.phrasing.choices.hint})" if options else ""


class Chat:
    """One run of `flask coach chat` for one rep."""

    def __init__(self, sm, coach, rep_id: int):
        self.sm, self.coach, self.rep_id = sm, coach, rep_id
        self.session_id: int | None = None
        self.offered: dict | None = None   # the quick replies under the coach's last message
        self.pending: tuple | None = None  # (client_message_id, text, choice) with no reply
        self.complete = False              # the coach has covered every stage and closed
        self.lang = language.get()

    # -- what to coach on ----------------------------------------------------------------------

    def run(self, mode: str | None, opportunity: int | None, account: int | None) -> None:
        outcome = self._review_drafts()
        if outcome == "quit":
            return
        if outcome is None and not self._resume_or_start(mode, opportunity, account):
            return
        self.converse()

    def _review_drafts(self) -> str | None:
        """Offer each ended, unconfirmed session for review; 'back' when the rep went back to
        one (it is the session to talk in), 'quit', or None to go on."""
        with self.sm() as s:
            drafts = [(r.id, describe(s, r, self.coach.modes))
                      for r in ended_drafts(s, self.rep_id)]
        for session_id, described in drafts:
            click.echo(f"Session {described} has ended but is not confirmed: "
                       "your manager does not see it.")
            pick = click.prompt("[r]eview and confirm / [d]iscard / [l]eave it for later",
                                type=click.Choice(["r", "d", "l"]), default="r",
                                prompt_suffix="> ")
            if pick == "d":
                self._discard(session_id)
            elif pick == "r":
                outcome = EndView(self.sm, self.coach, session_id).run()
                if outcome == "back":
                    self.resume(session_id)
                    return "back"
                if outcome == "quit":
                    return "quit"
        return None

    def _resume_or_start(self, mode, opportunity, account) -> bool:
        with self.sm() as s:
            row = active_session(s, self.rep_id)
            active = (row.id, describe(s, row, self.coach.modes)) if row is not None else None
        if active is not None:
            click.echo(f"You have a session in progress: {active[1]}.")
            pick = click.prompt("[r]esume / [d]iscard it and start new / [n]ew alongside",
                                type=click.Choice(["r", "d", "n"]), default="r",
                                prompt_suffix="> ")
            if pick == "r":
                self.resume(active[0])
                return True
            if pick == "d" and not self._discard(active[0]):
                return False
        return self._start(mode, opportunity, account)

    def _discard(self, session_id: int) -> bool:
        with self.sm() as s:
            try:
                discard(s, s.get(CoachingSession, session_id))
            except DomainError as exc:
                click.echo(problem(exc), err=True)
                return False
        click.echo(f"session {session_id} discarded, with everything it drafted")
        return True

    def _start(self, mode, opportunity, account) -> bool:
        assignment = None
        if mode is None:
            with self.sm() as s:
                assignment = pick_assignment(s, self.rep_id, self.coach.modes)
                if assignment is not None:
                    preset = start_kwargs(assignment)
                    mode, opportunity, account = (preset[k] for k in (
                        "mode", "opportunity_id", "account_id"))
                    assignment = assignment.id
        mode = mode or pick_mode(self.coach.modes)
        spec = self.coach.modes.get(mode)
        if spec is None:
            raise click.ClickException(f"unknown mode {mode}; one of {', '.join(self.coach.modes)}")
        with self.sm() as s:
            rep = s.get(User, self.rep_id)
            if spec.needs == "opportunity" and opportunity is None:
                opportunity = pick_own(s, rep, Opportunity)
            if spec.needs == "account" and account is None and opportunity is None:
                account = pick_own(s, rep, Account)
            try:
                row = create_session(s, self.coach, rep, mode, new=True,
                                     opportunity_id=opportunity, account_id=account)
                self.session_id = row.id
                if assignment is not None:
                    link(s, s.get(SessionAssignment, assignment), row)
            except DomainError as exc:
                raise click.ClickException(problem(exc)) from exc
        click.echo(f"session {self.session_id} ({spec.title}) - /help for commands, "
                   "/end to finish")
        if self._print_turn(open_session(self.sm, self.coach, self.session_id)) is None:
            raise click.ClickException("the coach could not open the session; try again")
        return True

    # -- the conversation ----------------------------------------------------------------------

    def resume(self, session_id: int) -> None:
        """Show the conversation so far, and what is waiting for the rep."""
        self.session_id = session_id
        with self.sm() as s:
            row = s.get(CoachingSession, session_id)
            self.lang = language.of((row.state or {}).get("context"))
            self.complete = bool(((row.state or {}).get("flow") or {}).get("complete"))
            messages = sorted(row.messages, key=lambda m: m.id)
            answered = {m.reply_to_id for m in messages if m.reply_to_id}
            click.echo(f"session {describe(s, row, self.coach.modes)} resumed - /help for commands")
            offered = None
            for m in messages:
                if m.role == "coach":
                    click.echo("coach> " + m.text)
                    offered = m.choices
                    continue
                picked = quick_replies.label(offered, m.choice) if m.choice else None
                click.echo("you> " + (f"[{picked}] " if picked and picked != m.text else "")
                           + m.text)
            last = messages[-1] if messages else None
        if last is not None and last.role == "coach":
            self.offered = last.choices
            if last.choices:
                click.echo(choices_line(last.choices, self.lang))
        elif last is not None and last.id not in answered:
            self.pending = (last.client_message_id, last.text, last.choice)
            click.echo("Your last message has no reply yet: /retry sends it again.")

    def converse(self) -> None:
        while True:
            line = read_line("you")
            command = (line or "").strip()
            if line is None or command == "/quit":
                click.echo(f"left session {self.session_id}; it stays active "
                           "(the next `coach chat` offers to resume it)")
                return
            if command == "/help":
                click.echo(HELP)
            elif command == "/end":
                if self._end_view():
                    return
            elif command == "/retry":
                if self.pending is None:
                    click.echo("Nothing to resend.")
                else:
                    self._send(*self.pending)
            elif command.startswith("/"):
                click.echo(f"Unknown command {command.split()[0]}; /help lists them.")
            elif command:
                # the coach had closed: its last question answered, the end view comes next
                closing = self.complete
                choice, text = read_reply(line, self.offered)
                if self._send(uuid.uuid4().hex, text, choice) and closing:
                    click.echo("(The coach has what it needs: here is the draft.)")
                    if self._end_view():
                        return

    def _end_view(self) -> bool:
        """True when the session is settled (confirmed, discarded, left); False to talk on."""
        view = EndView(self.sm, self.coach, self.session_id)
        if not view.end():
            return False
        outcome = view.run()
        if outcome == "back":
            self.complete = False
            click.echo("Back in the conversation: say more, or /end again.")
            return False
        return True

    def _send(self, client_id: str, text: str, choice: str | None) -> bool:
        """Store the rep's message and print the coach's reply; True once a reply is stored."""
        with self.sm() as s:
            try:
                message, reply = accept_message(s, s.get(CoachingSession, self.session_id),
                                                text, client_id, choice=choice)
            except DomainError as exc:
                click.echo(problem(exc), err=True)
                return False
            message_id, stored = message.id, reply.text if reply is not None else None
        if stored is not None:  # a resend that had been answered after all
            click.echo("coach> " + stored)
            self.pending = None
            return True
        done = self._print_turn(run_turn(self.sm, self.coach, self.session_id, message_id))
        self.pending = None if done is not None else (client_id, text, choice)
        return done is not None

    def _print_turn(self, events):
        """Print the coach's reply as it streams and the quick replies under it; the StoredTurn,
        or None when the turn failed."""
        streamed = False
        for name, data in events:
            if name == "delta":
                click.echo(("" if streamed else "coach> ") + data["text"], nl=False)
                streamed = True
            elif name == "replace":
                click.echo("\ncoach (rephrased)> " + data["text"], nl=False)
                streamed = True
            elif name == "done":
                click.echo("" if streamed else "coach> " + data.reply.text)
                state = data.session.state or {}
                self.lang = language.of(state.get("context"))
                self.offered = data.reply.choices
                if self.offered:
                    click.echo(choices_line(self.offered, self.lang))
                self.complete = bool((state.get("flow") or {}).get("complete"))
                if self.complete:
                    click.echo("(That covers it: answer, or /end to see the summary.)")
                return data
            elif name == "error":
                error = error_event(data)
                click.echo(f"\n[{error['code']}] {error['message']} Type /retry to resend.",
                           err=True)
                return None
        return None
