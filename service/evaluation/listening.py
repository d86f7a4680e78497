"""Did the coach listen? Figures read from one session's transcript: repeats, stacked asks,
garbled reflections, copied prompt text and turns in the wrong language.

These rules are the eval's own, on purpose: the guard (service/coach/guard.py) is what the
coach is built to pass, so measuring it with the guard's rules would only say the guard agrees
with itself. Each rule is small and named here, in one place, and tested in
tests/sessions/test_listening.py. Every figure counts coach *turns*, each at most once, and keeps
the turns it counted so a reader can see what was flagged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..coach.language.detect import telling_words

WORD = re.compile(r"[\w]+(?:['\u2019][\w]+)*", re.UNICODE)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# Quoted text is the rep's own words on purpose (a commitment read back), so it is not the
# coach's language, first person or copy.
QUOTED = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb")

# Words a near repeat is not judged on: "What will you do?" and "What did you do?" share them.
STOP = frozenset("""
a an the and or but so to of in on at for with from by as is are was were be been it its this
that these those you your i me my we our they their what how which who when where why do does
did will would can could should have has had there here then than if not no any some just
el la los las un una y o de del en con por para que qué es son lo le les se su sus tu te mi
""".split())

# Stacked asks: a second ask behind one question mark. WH is the word that opens an ask; after
# "and"/"or" without a comma it counts only when a verb follows at once ("and what will you"),
# since "between where you are and where you want" is one ask.
WH = (r"(?:what|how|which|who|whom|why|where|when|qu[eé]|c[oó]mo|cu[aá]l(?:es)?|cu[aá]ndo|"
      r"d[oó]nde|qui[eé]n(?:es)?|por qu[eé]|para cu[aá]ndo)")
AUX = (r"(?:do|does|did|will|would|is|are|was|were|can|could|should|has|have|had|might|"
       r"happened|else|made)")
STACK_RULES = {
    "comma and/or + wh": re.compile(rf",\s*(?:and|or|y|o)\s+(?:then\s+)?(?:by\s+)?{WH}\b", re.I),
    "comma + by when": re.compile(r",\s*(?:and\s+)?by when\b|,\s*para cu[aá]ndo\b", re.I),
    # "who or what do you need" is one ask: the word before "and"/"or" is no wh-word
    "and/or + wh + verb": re.compile(
        rf"(?:^|\s)(?!{WH}\s)[\w']+\s+(?:and|or|y|o)\s+{WH}\s+{AUX}\b", re.I),
    "and by when": re.compile(r"\s(?:and|y)\s+(?:by when|para cu[aá]ndo)\b", re.I),
    "comma or + new question": re.compile(
        r",\s*or\s+(?:do|does|did|is|are|would|could|should|can|will|have|has)\s+"
        r"(?:you|they|we|it|there|he|she)\b", re.I),
}

# The rep's first person, as the rep writes it; in a coach line it is a garble only when it
# sits in words the rep wrote (see first_person_garbles), so "How can I help?" is the coach's.
FIRST_PERSON = frozenset("i i'm i've i'll i'd me my mine myself we we're we've we'll us our "
                         "ours ourselves yo mi mis me nosotros nosotras nuestro nuestra "
                         "nuestros nuestras conmigo".split())
COPY_WORDS = 8
NEAR = 0.8
NEAR_MIN_WORDS = 3


def words(text: str) -> list[str]:
    return [w.lower().replace("\u2019", "'") for w in WORD.findall(text)]


def normalised(sentence: str) -> str:
    return " ".join(words(sentence))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def unquoted(text: str) -> str:
    return QUOTED.sub(" \u2026 ", text)


def content_words(sentence: str) -> frozenset[str]:
    return frozenset(w for w in words(sentence) if w not in STOP and not w.isdigit())


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def repeats(coach: list[str]) -> tuple[list[int], list[int]]:
    """(turns holding a sentence an earlier turn said word for word, turns holding one that
    shares >= 80% of its content words with an earlier turn's sentence); a turn is in one list
    at most, verbatim first. Sentences are compared after lowercasing and dropping punctuation."""
    said: set[str] = set()
    earlier: list[frozenset] = []
    verbatim, near = [], []
    for index, text in enumerate(coach):
        mine = [s for s in sentences(text) if normalised(s)]
        keys = [normalised(s) for s in mine]
        bags = [content_words(s) for s in mine]
        if any(k in said for k in keys):
            verbatim.append(index)
        elif any(len(b) >= NEAR_MIN_WORDS and jaccard(b, e) >= NEAR
                 for b in bags for e in earlier if len(e) >= NEAR_MIN_WORDS):
            near.append(index)
        said.update(keys)
        earlier.extend(bags)
    return verbatim, near


def stacked_asks(question: str) -> list[str]:
    """The stack rules a question matches: each is a second ask behind its question mark."""
    return [name for name, rule in STACK_RULES.items() if rule.search(question)]


def stacked(coach: list[str]) -> list[int]:
    """Turns where one question (the words up to a question mark) holds two or more asks."""
    return [i for i, text in enumerate(coach)
            if any(stacked_asks(s) for s in sentences(unquoted(text)) if s.endswith("?"))]


def _grams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def first_person_garbles(turns: list[dict]) -> list[int]:
    """Coach turns (indexes among the coach's) that say back the rep's own I/my/we: a first-person
    word, outside quotes, whose three-word window (it and the next two, or the two before it at
    the end of the line) is in something the rep said earlier in the session."""
    rep_grams: set[tuple[str, ...]] = set()
    found, index = [], -1
    for turn in turns:
        if turn["role"] == "rep":
            rep_grams |= _grams(words(turn["text"]), 3)
            continue
        index += 1
        if any(_says_back(sentence, rep_grams) for sentence in sentences(unquoted(turn["text"]))):
            found.append(index)
    return found


def _says_back(sentence: str, rep_grams: set) -> bool:
    raw = WORD.findall(sentence)
    tokens = [w.lower().replace("\u2019", "'") for w in raw]
    for at, word in enumerate(tokens):
        # "US" is a country, not the rep's "us"
        if word not in FIRST_PERSON or (raw[at].isupper() and len(raw[at]) > 1):
            continue
        window = tuple(tokens[at:at + 3]) if at + 3 <= len(tokens) else tuple(tokens[-3:])
        if len(window) == 3 and window in rep_grams:
            return True
    return False


def copied(coach: list[str], reference: list[str], n: int = COPY_WORDS) -> list[int]:
    """Turns sharing ``n`` consecutive words with the instructions the coach is given
    (``reference``: the prompts, the mode's description and goals, the engine's notes; never
    the lines it is meant to say)."""
    grams: set[tuple[str, ...]] = set()
    for text in reference:
        grams |= _grams(words(text), n)
    return [i for i, text in enumerate(coach) if _grams(words(unquoted(text)), n) & grams]


@lru_cache(maxsize=1)
def _detector():
    """Lingua, limited to the languages the coach may speak. Its full models: about 1 s and
    130 MB to load, once per process; the low-accuracy mode (15 MB, 50 ms) read short English
    lines such as "So you are fine." as German, and a mixed line as English."""
    from lingua import Language, LanguageDetectorBuilder

    return (LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.SPANISH, Language.GERMAN, Language.FRENCH)
        .build())


def language_of(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when it has too few words to tell."""
    if len(words(text)) < 3:
        return None
    found = _detector().detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else None


# A sentence is in another language when, names left out, the detector gives the expected one
# less than this: a short English question ('What agenda will you propose to Litware?') reads
# 0.41 English and 0.44 French, a Spanish line said to an English rep 0.01 English, a mixed one
# ('lo que you dice es importante') 0.16.
EXPECTED_AT_LEAST = 0.3


def in_other_language(sentence: str, expected: str) -> bool:
    said = " ".join(telling_words(sentence))
    if len(said.split()) < 3:
        return False
    values = {c.language.iso_code_639_1.name.lower(): c.value
              for c in _detector().compute_language_confidence_values(said)}
    return values.get(expected, 0.0) < EXPECTED_AT_LEAST


def wrong_language(coach: list[str], expected: str) -> list[int]:
    """Turns with a sentence (three words or more, quotes and names left out) in another
    language than ``expected``: a whole line in English to a Spanish rep, or a Spanish fragment
    said back inside an English line."""
    return [i for i, text in enumerate(coach)
            if any(in_other_language(s, expected) for s in sentences(unquoted(text)))]


def listening(turns: list[dict], reference: list[str], language: str | None = None) -> dict:
    """The listening figures of one transcript (``turns``: [{"role", "text"}]). ``language``
    is the rep's; by default the language most of the rep's words are in."""
    coach = [t["text"] for t in turns if t["role"] == "coach"]
    rep_text = " ".join(t["text"] for t in turns if t["role"] == "rep")
    language = language or language_of(rep_text) or "en"
    verbatim, near = repeats(coach)
    flagged = {"verbatim_repeats": verbatim, "near_repeats": near, "stacked": stacked(coach),
               "first_person": first_person_garbles(turns), "copied": copied(coach, reference),
               "wrong_language": wrong_language(coach, language)}
    return {"language": language, "coach_turns": len(coach),
            **{key: len(found) for key, found in flagged.items()},
            "flagged": {key: [coach[i] for i in found] for key, found in flagged.items()}}


JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
PLACEHOLDER = re.compile(r"\{\w*\}")


def reference_texts(mode) -> list[str]:
    """What the coach is told but must never say: the prompt templates (split at their Jinja
    tags, so no run of words spans a value filled in), the mode's description and stage goals,
    and the OpenAI engine's notes to the model (guidance, correction)."""
    from ..coach.engines import openai as engine
    from ..coach.prompt.render import PROMPTS_DIR

    texts = [part for path in sorted(PROMPTS_DIR.glob("*.j2")) if path.name != "judge.j2"
             for part in JINJA_TAG.split(path.read_text(encoding="utf-8"))]
    # every note the engine module keeps (CORRECTION, guidance...), read by kind rather than by
    # name, so a note added or renamed there is still counted
    notes = [value for name, value in vars(engine).items()
             if name.isupper() and isinstance(value, str) and len(value.split()) >= COPY_WORDS]
    texts += [part for note in notes for part in PLACEHOLDER.split(note)]
    if mode is not None:
        texts += [mode.description, *(stage.goal for stage in mode.stages)]
    return texts
