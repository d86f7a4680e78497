"""Short reflections of the rep's own words, in the second person, never an echo of it all.

A reflection picks one key phrase (the clause after 'because'/'but' when there is one, else the
clause carrying the most content words), turns 'I/my/we' into 'you/your', keeps it under a
dozen words, and wraps it in one of several frames chosen by turn number so it varies.
"""

from __future__ import annotations

import re

from .guard import praise_phrases, telling_phrases

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
BREAKS = {"and", "but", "or", "so", "which", "while"}
FRAMES = [
    "So {p}.",
    "It sounds like {p}.",
    "You're saying {p}.",
    "I'm hearing that {p}.",
    "{P} - that seems to matter here.",
    "If I follow you, {p}.",
    "So, in your words, {p}.",
]
NEUTRAL = [
    "Thanks for laying that out.",
    "That gives me a clearer picture.",
    "Let me take that in.",
    "That's useful context.",
]
PIVOT = re.compile(r"\b(?:because(?! of)|since|but|although|though|except)\b\s+", re.I)
CLAUSE = re.compile(r"[.;!?\n]+|,\s+|\s+-\s+")


def _second_person(words: list[str]) -> list[str]:
    out = []
    previous = ""
    for word in words:
        bare = word.lower().strip(".,;:!?\"'()")
        swap = SWAPS.get(bare)
        if bare == "was" and previous not in ("i", "we"):
            swap = None
        out.append(swap if swap else word)
        previous = bare
    return out


def key_phrase(text: str, max_words: int = 9) -> str:
    text = " ".join(re.sub(r"[\"*_#<>`]", "", text).split())
    text = text.replace("?", ".")
    pivot = PIVOT.search(text)
    pool = [PIVOT.split(text, maxsplit=1)[1]] if pivot else []
    pool += [c for c in CLAUSE.split(text) if c.strip()]
    pool = [c.strip() for c in pool if len(c.split()) >= 3] or [text]

    def weight(clause: str) -> int:
        return sum(1 for w in clause.lower().split() if w.strip(".,") not in STOP)

    pivot_part = pool[0] if pivot else None
    best = max(pool, key=lambda c: weight(c) + (3 if c is pivot_part else 0)).split()
    words = best[:max_words]
    if len(best) > max_words:
        cuts = [i for i, w in enumerate(words) if w.lower() in BREAKS and i >= 4]
        words = words[:cuts[-1]] if cuts else words
    while len(words) > 3 and words[-1].lower().strip(".,") in STOP:
        words.pop()
    words = _second_person(words)
    phrase = " ".join(words).strip(" ,.;:-")
    phrase = re.sub(r"^(?:(?:and|so|but|well|um|yeah|yes|no|ok|okay|honestly|frankly|basically|"
                    r"actually)\b[,\s]*)+", "", phrase, flags=re.I)
    return phrase


def reflect(text: str, turn_index: int) -> str:
    """One short sentence mirroring the rep; neutral when their words would read as telling."""
    if not text or not text.strip():
        return ""
    phrase = key_phrase(text)
    if len(phrase.split()) < 2:
        return NEUTRAL[turn_index % len(NEUTRAL)]
    frame = FRAMES[turn_index % len(FRAMES)]
    lower = phrase[0].lower() + phrase[1:] if not phrase.startswith(("I ", "I'")) else phrase
    sentence = frame.format(p=lower, P=phrase[0].upper() + phrase[1:])
    if telling_phrases(sentence) or praise_phrases(sentence):
        return NEUTRAL[turn_index % len(NEUTRAL)]
    return sentence
