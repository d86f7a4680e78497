"""Which language a rep's message is in, or None when it cannot tell with confidence.

lingua's detector, built once per process for the shipped languages plus a few near ones (so
Portuguese is not taken for Spanish), in its low-accuracy mode: trigram models only, about
12 MB and 40 ms to load on first use (the high-accuracy mode takes about 140 MB and 1.1 s for
the same languages, for a gain that shows only on short texts, which are not read anyway).

Only words that carry the language are read: lower-case words, and a sentence's first word.
Names of people, accounts and products (Fabrikam, Contoso, CFO, Q3) are left out, so a
message full of them is no evidence; with fewer than MIN_WORDS words left the answer is None
('ok', 'Hola, qué tal'). Below CONFIDENCE, None too.
"""

from __future__ import annotations

import re
from functools import cache

MIN_WORDS = 4
CONFIDENCE = 0.9
# read so that a message in one of them is not taken for a shipped language it resembles
NEIGHBOURS = ("pt", "it", "nl", "ca")
SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


@cache
def _detector(codes: tuple[str, ...]):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    known = [IsoCode639_1.from_str(c) for c in dict.fromkeys(codes + NEIGHBOURS)]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*known).with_low_accuracy_mode().build()


def telling_words(text: str) -> list[str]:
    """The words that show a message's language: no names, no acronyms, no figures."""
    words = []
    for sentence in SENTENCE.split(text or ""):
        for i, word in enumerate(WORD.findall(sentence)):
            if word.islower() or (i == 0 and (len(word) == 1 or word[1:].islower())):
                words.append(word)
    return words


def detect(text: str, codes: tuple[str, ...]) -> str | None:
    """The code, among ``codes``, of the language ``text`` is written in; None when the text is
    too short to tell, the detector is not sure, or it is another language."""
    words = telling_words(text)
    if len(words) < MIN_WORDS:
        return None
    found = _detector(tuple(sorted(codes))).compute_language_confidence_values(" ".join(words))
    if not found or found[0].value < CONFIDENCE:
        return None
    code = found[0].language.iso_code_639_1.name.lower()
    return code if code in codes else None
