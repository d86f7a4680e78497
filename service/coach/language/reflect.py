"""Short reflections of the rep's own words, in the second person, never an echo of it all.

A reflection picks one key phrase (the clause after 'because'/'but' when there is one, else the
clause carrying the most content words), turns 'I/my/we' into 'you/your', keeps it under a
dozen words, and wraps it in one of several frames chosen by turn number so it varies. The
words and frames come from the language's files (English unless ``lang`` says otherwise).
"""

from __future__ import annotations

import re

from ..guard import praise_phrases, telling_phrases
from . import ENGLISH, Language

CLAUSE = re.compile(r"[.;:!?\n]+|,\s+|\s+-\s+")
PUNCTUATION = ".,;:!?\"'()"
SPELLED_UP_TO = 5  # 'plus two more', but 'plus 6 more': a small count reads better as a word


def _swap(words: list[str], swaps, after_subject, lang: Language, *, keep_marks: bool) -> list[str]:
    """Change the person of the words; ``keep_marks`` keeps a word's punctuation around it."""
    said = lang.lexicon.reflect
    out, previous = [], ""
    for word in words:
        bare = word.lower().strip(PUNCTUATION)
        swap = swaps.get(bare) or (after_subject.get(bare) if previous in said.subjects else None)
        if bare in said.lower_case_only and word.strip(PUNCTUATION) != bare:
            swap = None
        if swap and keep_marks:
            swap = word.replace(word.strip(PUNCTUATION), swap)
        out.append(swap or word)
        previous = bare
    return out


def _second_person(words: list[str], lang: Language) -> list[str]:
    said = lang.lexicon.reflect
    return _swap(words, said.second_person, said.second_person_after_subject, lang,
                 keep_marks=False)


def _shorten(words: list[str], max_words: int, lang: Language = ENGLISH) -> list[str]:
    """At most ``max_words``, cut only where a whole phrase ends (never mid noun phrase)."""
    if len(words) <= max_words:
        return words
    said = lang.lexicon.reflect
    cuts = [i for i in range(3, max_words + 1) if i < len(words) and (
        words[i].lower() in said.cuts or (words[i].lower() in said.conjunctions
                                          and i + 1 < len(words)
                                          and words[i + 1].lower() in said.and_cuts)
        or words[i - 1].endswith(","))]
    return words[:cuts[-1]] if cuts else []


def third_person(words: list[str], lang: Language = ENGLISH) -> list[str]:
    """'I', 'my', 'we' become 'they', 'their' (for the manager's summary)."""
    said = lang.lexicon.reflect
    return _swap(words, said.third_person, said.third_person_after_subject, lang, keep_marks=True)


def key_phrase(text: str, max_words: int = 9, lang: Language = ENGLISH) -> str:
    said = lang.lexicon.reflect
    text = " ".join(re.sub(r"[\"*_#<>`]", "", text).split())
    text = text.replace("?", ".")
    pivot = said.pivot.search(text)
    pool = [said.pivot.split(text, maxsplit=1)[1]] if pivot else []
    pool += [c for c in CLAUSE.split(text) if c.strip()]
    pool = [c.strip() for c in pool if len(c.split()) >= 4] or \
        [c.strip() for c in pool if len(c.split()) >= 3] or [text]

    def weight(clause: str) -> int:
        return sum(1 for w in clause.lower().split() if w.strip(".,") not in said.stop)

    pivot_part = pool[0] if pivot else None
    ranked = sorted(pool, key=lambda c: -(weight(c) + (3 if c is pivot_part else 0)))
    words = []
    for limit in (max_words, max_words + 3):
        for clause in ranked:
            words = _shorten(clause.split(), limit, lang)
            if len(words) >= 3:
                break
        if len(words) >= 3:
            break
    while len(words) > 3 and words[-1].lower().strip(".,") in said.trailing:
        words.pop()
    phrase = " ".join(_second_person(words, lang)).strip(" ,.;:-")
    phrase = said.doubled.sub(r"\1", phrase)
    return said.lead_words.sub("", phrase)


def lower_first(phrase: str, source: str = "", lang: Language = ENGLISH) -> str:
    """Lower-case the first letter, unless the first word is a name ('Contoso'), 'I' or an acronym."""
    said = lang.lexicon.reflect
    first = phrase.split(" ", 1)[0] if phrase else ""
    if not first or not first[:1].isupper() or first.split("'")[0] in said.capitals \
            or (len(first) > 1 and first.isupper()) or any(ch.isdigit() for ch in first):
        return phrase
    bare = first.strip(".,;:!?")
    joined = "|".join(map(re.escape, said.conjunctions))
    if bare.lower() not in said.stop | said.common and not said.verb_starts.match(bare) \
            and (re.search(rf"[\w,;:\-]\s+{re.escape(bare)}\b", source)
                 or re.match(rf"{re.escape(bare)},?\s+(?:{joined}|&)\s+[A-Z]", phrase)):
        return phrase  # capitalised mid-sentence too: a name ('Contoso')
    return phrase[:1].lower() + phrase[1:]


def reflect(text: str, turn_index: int, max_words: int = 9, names: str = "",
            lang: Language = ENGLISH) -> str:
    """One short sentence mirroring the rep, or nothing where it cannot be said back right
    (a question, a fragment, the rep's first person, another language, words that would read
    as telling): the question then stands alone. A stock line ('Thanks for laying that out.')
    said instead names nothing the rep said, and costs the rep the floor.

    ``names``: text where the rep's accounts and people appear (the data block), so a name that
    opens the rep's sentence keeps its capital ('Fabrikam pushed...').
    """
    if not text or not text.strip():
        return ""
    said, says = lang.lexicon.reflect, lang.phrasing.reflect
    phrase = key_phrase(text, max_words, lang)
    words = phrase.lower().split()
    if text.rstrip().endswith("?") or (words and words[0] in said.modals):
        return ""  # a question is not said back as a statement
    if len(words) < 2 or words[0] in said.subjectless or (words[0] in said.articles
                                                          and len(words) <= 4):  # 'a deal review.'
        return ""
    if not _sure(phrase, text, lang):
        return ""
    if said.verb_starts.match(phrase):
        phrase = says.will_do.format(action=phrase[0].lower() + phrase[1:])
    frame = says.frames[turn_index % len(says.frames)]
    lower = lower_first(phrase, f"{text}\n{names}", lang)
    sentence = frame.format(p=lower, P=phrase[0].upper() + phrase[1:])
    if telling_phrases(sentence, lang) or praise_phrases(sentence, lang):
        return ""
    return sentence


def _sure(phrase: str, text: str, lang: Language) -> bool:
    """Whether the phrase reads right said back: a whole clause of the session's language,
    in the second person, that neither opens as a fragment nor ends pointing elsewhere."""
    said = lang.lexicon.reflect
    words = [w.strip(PUNCTUATION).lower() for w in phrase.split()]
    words = [w for w in words if w]
    if len(words) < 3 or words[0] in said.unsure_starts or words[-1] in said.dangling:
        return False
    if _first_person(phrase, lang):
        return False  # 'So my pipeline is thin': the person was not turned
    return in_language(text, lang)


def _first_person(phrase: str, lang: Language) -> bool:
    """Whether the rep still speaks in the phrase ('my', Spanish 'dediqué' the swap missed)."""
    return any(w.strip(PUNCTUATION).lower() in lang.lexicon.reflect.first_person
               for w in phrase.split())


def in_language(text: str, lang: Language) -> bool:
    """Whether the rep wrote in the session's language: its common small words make up a fair
    share of any sentence (English prose: 35-55% of its words; a Spanish one: under 15%)."""
    spoken = [w.strip(PUNCTUATION).lower() for w in text.split()]
    spoken = [w for w in spoken if w]
    known = sum(1 for w in spoken if w in lang.lexicon.reflect.own_words)
    return len(spoken) < 8 or known / len(spoken) >= 0.2


def acknowledge(commitments: list[dict], spoken_due, lang: Language = ENGLISH) -> str:
    """'You'll book a meeting with the Fabrikam CFO by Friday, plus one more.'"""
    if not commitments:
        return ""
    says = lang.phrasing.said_back
    first = commitments[0]
    words = _shorten(first["text"].split(), 9, lang) or first["text"].split()[:3]
    phrase = " ".join(_second_person(words, lang)).strip(" ,.;:-")
    due = spoken_due(first.get("due_date"))
    more = len(commitments) - 1
    numbers = lang.lexicon.calendar.numbers
    count = numbers[more] if more <= SPELLED_UP_TO and more < len(numbers) else more
    return says.commitments.format(
        action=phrase[0].lower() + phrase[1:],
        due=says.commitments_due.format(due=due) if due else "",
        more=says.commitments_more.format(count=count) if more else "")


def follow_up_ack(text: str, status: str, lang: Language = ENGLISH) -> str:
    """One short clause saying back how a due commitment went: 'Done, then: ...'."""
    said, says = lang.lexicon.reflect, lang.phrasing.said_back
    lead = says.follow_up_leads.get(status, says.follow_up_leads["unclear"])
    phrase = key_phrase(text, 10, lang) if text and text.strip() and in_language(text, lang) \
        else ""  # words of another language are not said back inside this one's
    if phrase.split(" ", 1)[0].lower() in said.stop | said.lower_after_lead:
        phrase = phrase[0].lower() + phrase[1:]
    sentence = says.follow_up.format(lead=lead, note=phrase) if len(phrase.split()) >= 2 else \
        says.follow_up_short.format(lead=lead)
    opens = phrase.split(" ", 1)[0].lower() if phrase else ""
    if len(sentence.split()) > 14 or _first_person(phrase, lang) \
            or opens in said.subjectless \
            or telling_phrases(sentence, lang) \
            or praise_phrases(sentence, lang):
        return says.follow_up_short.format(lead=lead)
    return sentence
