"""Short reflections of the rep's own words, in the second person, never an echo of it all.

A reflection picks one key phrase (the clause after 'because'/'but' when there is one, else the
clause carrying the most content words), turns 'I/my/we' into 'you/your', keeps it under a
dozen words, and wraps it in one of several frames chosen by turn number so it varies.
"""

from __future__ import annotations

import re

from ..guard import praise_phrases, telling_phrases

SWAPS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd", "am": "are",
    "we": "you", "us": "you", "our": "your", "ours": "yours", "we're": "you're",
    "we've": "you've", "we'll": "you'll", "ourselves": "yourselves", "was": "were",
    "you": "I", "your": "my",
}
STOP = set("the a an and or but so to of in on at for with is are was were be been it this that "
           "there their they them i me my we our you your just really very also then than "
           "well um uh like have has had do did does not no yes".split())
FRAMES = [
    "So {p}.",
    "It sounds like {p}.",
    "You're saying {p}.",
    "I hear that {p}.",
    "So {p}.",
    "In short, {p}.",
    "As you see it, {p}.",
]
# where a long clause may be cut and still read as a whole phrase (before these words)
TRAILING = set("the a an and or but so to of in on at for with that this is are be just really "
               "very also then than my our your their rather".split())
CUTS = {"but", "so", "which", "while", "because", "since", "although", "though", "when",
        "after", "before", "with", "for", "by", "from", "until", "unless", "whereas"}
AND_CUT = {"i", "we", "you", "they", "he", "she", "then", "it", "that", "the"}
VERB_START = re.compile(r"^(?:book|send|call|keep|drop|start|create|qualify|meet|schedule|"
                        r"prepare|review|ask|share|draft|block|build|run|map|plan|follow up|"
                        r"get|set up|confirm|bring|brief|invite|agree|rebuild|stop)\b", re.I)
NEUTRAL = [
    "Thanks for laying that out.",
    "That gives me a clearer picture.",
    "Let me take that in.",
    "That's useful context.",
]
PIVOT = re.compile(r"\b(?:because(?! of)|since|but|although|though|except)\b\s+", re.I)
CLAUSE = re.compile(r"[.;:!?\n]+|,\s+|\s+-\s+")


def _second_person(words: list[str]) -> list[str]:
    out = []
    previous = ""
    for word in words:
        bare = word.lower().strip(".,;:!?\"'()")
        swap = SWAPS.get(bare)
        if bare == "was" and previous not in ("i", "we"):
            swap = None
        if bare == "us" and word.strip(".,;:!?\"'()") != "us":  # 'US' is a country
            swap = None
        out.append(swap if swap else word)
        previous = bare
    return out


def _shorten(words: list[str], max_words: int) -> list[str]:
    """At most ``max_words``, cut only where a whole phrase ends (never mid noun phrase)."""
    if len(words) <= max_words:
        return words
    cuts = [i for i in range(3, max_words + 1) if i < len(words) and (
        words[i].lower() in CUTS or (words[i].lower() in ("and", "or") and i + 1 < len(words)
                                     and words[i + 1].lower() in AND_CUT)
        or words[i - 1].endswith(","))]
    return words[:cuts[-1]] if cuts else []


THIRD = {"i": "they", "me": "them", "my": "their", "mine": "theirs", "myself": "themselves",
         "i'm": "they're", "i've": "they've", "i'll": "they'll", "i'd": "they'd", "we": "they",
         "our": "their", "ours": "theirs", "we're": "they're", "we've": "they've",
         "we'll": "they'll", "ourselves": "themselves"}


def third_person(words: list[str]) -> list[str]:
    """'I', 'my', 'we' become 'they', 'their' (for the manager's summary)."""
    out, previous = [], ""
    for word in words:
        bare = word.lower().strip(".,;:!?\"'()")
        swap = THIRD.get(bare)
        if bare in ("am", "was") and previous in ("i", "we"):
            swap = "are" if bare == "am" else "were"
        if bare == "us" and word.strip(".,;:!?\"'()") == "us":
            swap = "them"
        out.append(word.replace(word.strip(".,;:!?\"'()"), swap) if swap else word)
        previous = bare
    return out


def key_phrase(text: str, max_words: int = 9, person=None) -> str:
    text = " ".join(re.sub(r"[\"*_#<>`]", "", text).split())
    text = text.replace("?", ".")
    pivot = PIVOT.search(text)
    pool = [PIVOT.split(text, maxsplit=1)[1]] if pivot else []
    pool += [c for c in CLAUSE.split(text) if c.strip()]
    pool = [c.strip() for c in pool if len(c.split()) >= 4] or \
        [c.strip() for c in pool if len(c.split()) >= 3] or [text]

    def weight(clause: str) -> int:
        return sum(1 for w in clause.lower().split() if w.strip(".,") not in STOP)

    pivot_part = pool[0] if pivot else None
    ranked = sorted(pool, key=lambda c: -(weight(c) + (3 if c is pivot_part else 0)))
    words = []
    for limit in (max_words, max_words + 3):
        for clause in ranked:
            words = _shorten(clause.split(), limit)
            if len(words) >= 3:
                break
        if len(words) >= 3:
            break
    while len(words) > 3 and words[-1].lower().strip(".,") in TRAILING:
        words.pop()
    words = (person or _second_person)(words)
    phrase = " ".join(words).strip(" ,.;:-")
    phrase = re.sub(r"\b(you|your)(\s+\1)+\b", r"\1", phrase, flags=re.I)
    phrase = re.sub(r"^(?:(?:and|so|but|because|since|although|though|well|um|"
                    r"yeah|yes|no|ok|okay|honestly|frankly|basically|"
                    r"actually)\b[,\s]*)+", "", phrase, flags=re.I)
    return phrase


COMMON = set("most two three four five some many all each every one none both minimum least "
             "honestly maybe probably still only our its his her she he nothing".split())
MODALS = {"could", "would", "can", "should", "will", "shall", "may", "might"}
SUBJECTLESS = {"only", "just", "had", "was", "were", "did", "didn't", "got", "never", "is", "are"}


def lower_first(phrase: str, source: str = "") -> str:
    """Lower-case the first letter, unless the first word is a name ('Contoso'), 'I' or an acronym."""
    first = phrase.split(" ", 1)[0] if phrase else ""
    if not first or not first[:1].isupper() or first.startswith(("I ", "I'")) or first == "I" \
            or (len(first) > 1 and first.isupper()) or any(ch.isdigit() for ch in first):
        return phrase
    bare = first.strip(".,;:!?")
    if bare.lower() not in STOP | COMMON and not VERB_START.match(bare) \
            and (re.search(rf"[\w,;:\-]\s+{re.escape(bare)}\b", source)
                 or re.match(rf"{re.escape(bare)},?\s+(?:and|or|&)\s+[A-Z]", phrase)):
        return phrase  # capitalised mid-sentence too: a name ('Contoso')
    return phrase[:1].lower() + phrase[1:]


def reflect(text: str, turn_index: int, max_words: int = 9, names: str = "") -> str:
    """One short sentence mirroring the rep; neutral when their words would read as telling.

    ``names``: text where the rep's accounts and people appear (the data block), so a name that
    opens the rep's sentence keeps its capital ('Fabrikam pushed...').
    """
    if not text or not text.strip():
        return ""
    phrase = key_phrase(text, max_words)
    words = phrase.lower().split()
    if text.rstrip().endswith("?") or (words and words[0] in MODALS):
        return NEUTRAL[turn_index % len(NEUTRAL)]  # a question is not said back as a statement
    if len(words) < 2 or words[0] in SUBJECTLESS or (words[0] in ("a", "an", "the")
                                                     and len(words) <= 4):  # 'a deal review.'
        return NEUTRAL[turn_index % len(NEUTRAL)]
    if VERB_START.match(phrase):
        phrase = "you'll " + phrase[0].lower() + phrase[1:]
    frame = FRAMES[turn_index % len(FRAMES)]
    lower = lower_first(phrase, f"{text}\n{names}")
    sentence = frame.format(p=lower, P=phrase[0].upper() + phrase[1:])
    if telling_phrases(sentence) or praise_phrases(sentence):
        return NEUTRAL[turn_index % len(NEUTRAL)]
    return sentence


COUNTS = ["", "one", "two", "three", "four", "five"]


def acknowledge(commitments: list[dict], spoken_due) -> str:
    """'You'll book a meeting with the Fabrikam CFO by Friday, plus one more.'"""
    if not commitments:
        return ""
    first = commitments[0]
    words = _shorten(first["text"].split(), 9) or first["text"].split()[:3]
    phrase = " ".join(_second_person(words)).strip(" ,.;:-")
    phrase = phrase[0].lower() + phrase[1:]
    due = spoken_due(first.get("due_date"))
    more = len(commitments) - 1
    tail = f", plus {COUNTS[more] if more < len(COUNTS) else more} more" if more else ""
    return f"You'll {phrase}{' ' + due if due else ''}{tail}."


FOLLOW_UP_LEADS = {"done": "Done, then", "open": "Still open, then",
                   "dropped": "Off the list, then"}


def follow_up_ack(text: str, status: str) -> str:
    """One short clause saying back how a due commitment went: 'So that one is done: ...'."""
    lead = FOLLOW_UP_LEADS.get(status, FOLLOW_UP_LEADS["open"])
    phrase = key_phrase(text, 10) if text and text.strip() else ""
    if phrase.split(" ", 1)[0].lower() in STOP | {"you", "you're", "you've"}:
        phrase = phrase[0].lower() + phrase[1:]
    sentence = f"{lead}: {phrase}." if len(phrase.split()) >= 2 else f"{lead}."
    if len(sentence.split()) > 14 or telling_phrases(sentence) or praise_phrases(sentence):
        return f"{lead}."
    return sentence
