"""Coaching modes: one TOML file per mode in ``prompts/modes/``; adding a mode is adding a file.
Its texts in another language: ``prompts/modes/<code>/`` (mode_overlay.py). Every template is
rendered with Jinja2 ``StrictUndefined`` (``prompt/render.py``). Schema of a mode file (unknown
fields are rejected so typos surface at load time)::

    key = "weekly_review"        # required; equals the file name without .toml
    title = "Weekly review"      # required; shown to people
    description = "..."          # required; one sentence, shown to people
    needs = ""                   # "", "opportunity" or "account": what the context must carry
    order = 1                    # optional; where pickers list the mode (lowest first, then title)
    offer = "Would it help to ...?"   # optional default for stages (see below)
    idea = "..."                 # optional default for stages (see below)
    summary_opens_with = ["figures"]  # the summary's first sentence: the first the session has
                                 # of "opportunity", "account", "ratings" (a stage with each),
                                 # "figures" (the latest period's); else the mode's title alone
    summary_stages = ["..."]     # the stages with a `summary` lead, in the order a manager wants
                                 # them (default: file order); the summary keeps the first two
                                 # the rep answered

    [lists]                      # optional named lists a stage can walk (the context may
    skills = ["prospecting"]     # override one with a non-empty list of the same name)

    [[stages]]                   # ordered; the session walks them top to bottom
    key = "acknowledge"          # required, unique in the file
    goal = "..."                 # required; what the coach is after here (goes to the LLM)
    questions = ["..."]          # required; Jinja2 templates over the context, tried in order
                                 # (one already asked or needing absent data is skipped)
    probes = ["..."]             # required, non-empty; follow-ups for a short or vague answer
    after_commitments = ["...?"] # only with collect = "commitments": what the offline coach
                                 # asks here once the rep gave dated commitments, instead of the
                                 # questions and probes that ask for the dates and measures given
                                 # (default: whether they would add anything)
    fallback = "...?"            # required; one open question that renders with any context,
                                 # used when the guard rejects two drafts in a row
    collect = ""                 # "", "commitments" or "help": what the summary draws from here
    plan = false                 # true: every action named here is a commitment, dated or not
                                 # (collect = "commitments" implies it); else only a dated "I will"
    each = ""                    # name of a list in [lists]: ask once per item (`item` in the
                                 # templates); the stage ends when every item has an answer
    offer = "...?"               # optional: an idea offered as a question once the rep asked
    idea = "...?"                # twice; the brief idea once they said yes (ends on a question)
    summary = "Strategy: {p}."   # the lead of this stage's key point in the manager's summary;
                                 # {p} is the gist of the rep's answers ("": not a key point;
                                 # not with collect or each, which have sentences of their own)
    summary_from = "all"         # what {p} draws on: "all" the answers, the "first" only (the
                                 # later questions ask for something else), or "causes": the
                                 # internal and the external causes apart when the rep named both
    summary_about = "causes"     # a topic of the lexicons' [summary.about]: only answers that
                                 # touch it are filed under this stage's lead
    remember = ""                # a name: later sessions on the same deal find this stage's
                                 # answers in the rep's latest session of this mode as
                                 # `pre_call.<name>` (and its date as `pre_call.date`); only in
                                 # a mode that needs an opportunity, and in one mode of a folder

    [stages.advance]             # optional; when the session moves to the next stage
    min_answers = 1              # answers from the rep in this stage, at least
    min_words = 12               # words in those answers, at least
    max_turns = 3                # or after this many coach turns here, whatever was said
    probe_below_words = 6        # an answer shorter than this (or vague) earns a probe
    max_probes = 1               # probes in this stage, at most
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ModeFileError
from .mode_file import (
    fail,
    remembered_name,
    summary_lead,
    summary_opening,
    summary_order,
    template_list,
    text_field,
    whole_numbers,
)
from .mode_overlay import add_translations
from .prompt.render import PROMPTS_DIR
from .summary.sentences import OPENINGS as SUMMARY_OPENINGS

MODES_DIR = PROMPTS_DIR / "modes"
NEEDS = ("", "opportunity", "account")
COLLECT = ("", "commitments", "help")
SUMMARY_FROM = ("all", "first", "causes")
OPENINGS = tuple(SUMMARY_OPENINGS)  # what the summary knows how to open with
MODE_FIELDS = {"key", "title", "description", "needs", "order", "offer", "idea", "lists",
               "summary_opens_with", "summary_stages", "stages"}
STAGE_FIELDS = {"key", "goal", "questions", "probes", "after_commitments", "fallback", "collect",
                "plan", "each", "offer", "idea", "summary", "summary_from", "summary_about",
                "remember", "advance"}


@dataclass(frozen=True)
class Advance:
    min_answers: int = 1
    min_words: int = 12
    max_turns: int = 3
    probe_below_words: int = 6
    max_probes: int = 1


@dataclass(frozen=True)
class StageSpec:
    key: str
    goal: str
    questions: tuple[str, ...]
    probes: tuple[str, ...]
    fallback: str
    after_commitments: tuple[str, ...] = ()
    collect: str = ""
    plan: bool = False
    each: str = ""
    offer: str = ""
    idea: str = ""
    summary: str = ""
    summary_from: str = "all"
    summary_about: str = ""
    remember: str = ""
    advance: Advance = field(default_factory=Advance)


@dataclass(frozen=True)
class Mode:
    key: str
    title: str
    description: str
    needs: str
    stages: tuple[StageSpec, ...]
    lists: dict = field(default_factory=dict)
    order: int = 100
    summary_opens_with: tuple[str, ...] = ()
    summary_stages: tuple[str, ...] = ()
    names: dict = field(default_factory=dict)  # an item of a list -> how it is said
    languages: dict = field(default_factory=dict, compare=False, repr=False)  # code -> Mode

    def in_language(self, code: str) -> Mode:
        """This mode spoken in ``code`` (prompts/modes/<code>/), English when not translated."""
        return self.languages.get(code, self.languages.get("en", self))

    def said(self, item: str | None) -> str | None:  # how a list's item is said in this language
        return self.names.get(item, item) if item else item

    def stage(self, key: str) -> StageSpec:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(f"mode {self.key!r} has no stage {key!r}")

    def next_stage(self, key: str) -> StageSpec | None:
        keys = [s.key for s in self.stages]
        index = keys.index(key) + 1
        return self.stages[index] if index < len(keys) else None

    def planning(self, stage: StageSpec) -> bool:
        """From the first plan stage on, every action the rep names is a commitment (a
        keep/drop/create list given late counts); before it only a firm 'I will ... by'."""
        return any(s.plan for s in self.stages[:self.stages.index(stage) + 1])

    def items(self, stage: StageSpec, context: dict) -> list[str]:
        """The list a walking stage goes through: the context's own, else the mode's."""
        if not stage.each:
            return []
        own = context.get(stage.each)
        return list(own) if isinstance(own, list) and own else list(self.lists[stage.each])


def _advance(path, where, raw) -> Advance:
    advance = Advance(**whole_numbers(path, where, raw, set(Advance.__dataclass_fields__)))
    if advance.max_turns < 1:
        fail(path, f"{where}.max_turns", "must be at least 1")
    return advance


def _stage(path: Path, index: int, raw, defaults: dict, lists: dict) -> StageSpec:
    where = f"stages[{index}]"
    if not isinstance(raw, dict):
        fail(path, where, "must be a table")
    for name in raw:
        if name not in STAGE_FIELDS:
            fail(path, f"{where}.{name}", "unknown field")
    key = text_field(path, f"{where}.key", raw.get("key"))
    where = f"stages[{index}] ({key})"
    collect = raw.get("collect", "")
    if collect not in COLLECT:
        fail(path, f"{where}.collect", f"must be one of {COLLECT}")
    plan = raw.get("plan", collect == "commitments")
    if not isinstance(plan, bool):
        fail(path, f"{where}.plan", "must be true or false")
    if collect == "commitments" and not plan:
        fail(path, f"{where}.plan", 'a stage that collects commitments is always a plan')
    after_commitments = ()
    if "after_commitments" in raw:
        if collect != "commitments":
            fail(path, f"{where}.after_commitments", 'only a stage with collect = "commitments" '
                 "hears commitments")
        after_commitments = template_list(path, f"{where}.after_commitments",
                                          raw["after_commitments"])
    each = text_field(path, f"{where}.each", raw.get("each", ""), required=False)
    if each and each not in lists:
        fail(path, f"{where}.each", f"names no list in [lists] (have: {sorted(lists)})")
    summary = summary_lead(path, f"{where}.summary", raw.get("summary", ""))
    if summary and (collect or each):
        fail(path, f"{where}.summary", "a stage with collect or each has its own sentence in "
             "the summary")
    summary_from = raw.get("summary_from", "all")
    if summary_from not in SUMMARY_FROM:
        fail(path, f"{where}.summary_from", f"must be one of {SUMMARY_FROM}")
    for name in ("summary_from", "summary_about"):
        if name in raw and not summary:
            fail(path, f"{where}.{name}", "needs a summary lead in this stage")
    fallback = text_field(path, f"{where}.fallback", raw.get("fallback"), template=True)
    if not fallback.endswith("?"):
        fail(path, f"{where}.fallback", "must be a single question ending with '?'")
    return StageSpec(
        key=key,
        goal=text_field(path, f"{where}.goal", raw.get("goal")),
        questions=template_list(path, f"{where}.questions", raw.get("questions")),
        probes=template_list(path, f"{where}.probes", raw.get("probes")),
        fallback=fallback,
        after_commitments=after_commitments,
        collect=collect,
        plan=plan,
        each=each,
        offer=text_field(path, f"{where}.offer", raw.get("offer", defaults["offer"]), template=True),
        idea=text_field(path, f"{where}.idea", raw.get("idea", defaults["idea"]), template=True),
        summary=summary,
        summary_from=summary_from,
        summary_about=text_field(path, f"{where}.summary_about", raw.get("summary_about", ""),
                                 required=False),
        remember=remembered_name(path, f"{where}.remember", raw.get("remember", "")),
        advance=_advance(path, f"{where}.advance", raw.get("advance")),
    )


def parse_mode(path: Path) -> Mode:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ModeFileError(f"{path.name}: not valid TOML: {exc}") from exc
    for name in raw:
        if name not in MODE_FIELDS:
            fail(path, name, "unknown field")
    key = text_field(path, "key", raw.get("key"))
    if key != path.stem:
        fail(path, "key", f"must equal the file name ({path.stem!r})")
    needs = raw.get("needs", "")
    if needs not in NEEDS:
        fail(path, "needs", f"must be one of {NEEDS}")
    lists = raw.get("lists", {})
    if not isinstance(lists, dict) or not all(
            isinstance(v, list) and v and all(isinstance(i, str) for i in v)
            for v in lists.values()):
        fail(path, "lists", "must be a table of non-empty lists of strings")
    order = raw.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        fail(path, "order", "must be a whole number")
    defaults = {"offer": raw.get("offer", ""), "idea": raw.get("idea", "")}
    stages_raw = raw.get("stages")
    if not isinstance(stages_raw, list) or not stages_raw:
        fail(path, "stages", "must have at least one [[stages]] table")
    stages = tuple(_stage(path, i, s, defaults, lists) for i, s in enumerate(stages_raw))
    seen: set[str] = set()
    for stage in stages:
        if stage.key in seen:
            fail(path, f"stages ({stage.key})", "duplicate stage key")
        seen.add(stage.key)
        if not stage.offer or not stage.idea:
            fail(path, f"stages ({stage.key})", "needs an offer and an idea (own or mode default)")
        if stage.remember and needs != "opportunity":
            fail(path, f"stages ({stage.key}).remember", 'answers are remembered per deal: only '
                 'in a mode with needs = "opportunity"')
    names = [stage.remember for stage in stages if stage.remember]
    if len(set(names)) < len(names):
        fail(path, "stages", "two stages remember under the same name")
    return Mode(key=key, title=text_field(path, "title", raw.get("title")),
                description=text_field(path, "description", raw.get("description")),
                needs=needs, stages=stages, lists=dict(lists), order=order,
                summary_opens_with=summary_opening(path, raw.get("summary_opens_with", []), stages,
                                                   OPENINGS),
                summary_stages=summary_order(path, raw.get("summary_stages"), stages))


def load_modes(path: str | Path | None = None) -> dict[str, Mode]:
    """Every ``*.toml`` in ``path`` (default ``prompts/modes``), keyed by mode key, in the
    order pickers show them (``order``, then title)."""
    folder = Path(path) if path else MODES_DIR
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise ModeFileError(f"{folder}: no mode files (*.toml)")
    modes = sorted((parse_mode(f) for f in files), key=lambda m: (m.order, m.title))
    remembering = [m.key for m in modes if any(stage.remember for stage in m.stages)]
    if len(remembering) > 1:
        raise ModeFileError(f"{folder}: modes {', '.join(remembering)} all remember answers; "
                            "later sessions keep one mode's (pre_call), so only one may")
    found = {m.key: m for m in modes}
    add_translations(folder, found)
    return found
