"""The guard reads a reply in the session's language: English, Spanish, German and French each
ship their open starts, telling, praise and advice-put-as-a-question as data (guard.toml)."""

import pytest

from service.coach import language
from service.coach.guard import check
from service.coach.language import LANGUAGES_DIR, LanguageFileError

ES, DE, FR = (language.get(code) for code in ("es", "de", "fr"))


@pytest.mark.parametrize(("lang", "text"), [
    (ES, "Entiendo que el trato con Fabrikam se retrasó. ¿Qué cambió esta vez?"),
    (ES, "Dos acuerdos se movieron al mes que viene. Y, ¿cómo lo ves tú?"),
    (ES, "¿Y qué harías distinto con el director de compras?"),
    (ES, "Mirando tus cifras, ¿cuál es tu mayor brecha?"),
    (ES, "Cuéntame cómo fue la llamada con Contoso?"),
    (DE, "Zwei Abschlüsse sind in den nächsten Monat gerutscht. Was war diesmal anders?"),
    (DE, "Also, woran merken Sie, dass der Kunde bereit ist?"),
    (DE, "Erzählen Sie mir von dem Termin mit Contoso?"),
    (FR, "Deux affaires ont glissé au mois prochain. Qu'est-ce qui a changé cette fois ?"),
    (FR, "Qu’avez-vous appris de cet appel ?"),
    (FR, "Alors, comment voyez-vous la suite avec Contoso ?"),
])
def test_one_open_question_in_the_language_passes(lang, text):
    verdict = check(text, lang=lang)
    assert verdict.ok, verdict.reasons


@pytest.mark.parametrize(("lang", "text", "reason"), [
    (ES, "Deberías llamar al director mañana. ¿Qué opinas?", "telling (deberías)"),
    (ES, "Te recomiendo un descuento. ¿Cómo lo ves?", "telling (te recomiendo)"),
    (ES, "Llama al cliente hoy. ¿Cuándo puedes?", "imperative 'llama'"),
    (ES, "¡Excelente trabajo este mes! ¿Qué pasó?", "empty praise (Excelente trabajo"),
    (ES, "¿Has probado a llamar al director financiero?", "advice as a question 'Has probado'"),
    (ES, "¿Qué tal si ofreces un piloto?", "advice as a question 'Qué tal si'"),
    (ES, "¿Llamaste al cliente?", "closed question"),
    (DE, "Sie sollten den Kunden morgen anrufen. Was denken Sie?", "telling (Sie sollten)"),
    (DE, "Rufen Sie den Einkauf an. Wann passt es?", "imperative 'rufen'"),
    (DE, "Gut gemacht! Was ist passiert?", "empty praise (Gut gemacht)"),
    (DE, "Haben Sie schon mal versucht, den CFO anzurufen?", "advice as a question"),
    (DE, "Wie wäre es mit einem Pilotprojekt?", "advice as a question 'Wie wäre es mit'"),
    (DE, "Haben Sie den Kunden angerufen?", "closed question"),
    (FR, "Vous devriez appeler le client demain. Qu'en pensez-vous ?", "telling (Vous devriez)"),
    (FR, "Appelez le directeur financier. Quand pouvez-vous ?", "imperative 'appelez'"),
    (FR, "Bravo pour ce mois ! Que s'est-il passé ?", "empty praise (Bravo)"),
    (FR, "Avez-vous essayé d'appeler le directeur ?", "advice as a question 'Avez-vous essayé'"),
    (FR, "Pourquoi ne pas proposer un pilote ?", "advice as a question"),
    (FR, "Avez-vous appelé le client ?", "closed question"),
])
def test_telling_praise_and_advice_in_the_language_fail(lang, text, reason):
    verdict = check(text, lang=lang)
    assert not verdict.ok
    assert any(reason.lower() in r.lower() for r in verdict.reasons), verdict.reasons


@pytest.mark.parametrize("text", [
    "Have you tried calling the CFO?",
    "What about offering them a pilot?",
    "Which of the following options some reps use is to call the CFO?",
    "Why not send the proposal today?",
    "Shouldn't you book the meeting first?",
])
def test_advice_put_as_a_question_is_telling_in_english(text):
    verdict = check(text)
    assert not verdict.ok and verdict.telling
    assert any("advice as a question" in r for r in verdict.reasons), verdict.reasons


@pytest.mark.parametrize("text", [
    "What about the budget freeze made it harder?",
    "Why not, do you think?",
    "Whose call was it to move the date?",
])
def test_an_open_question_near_an_advice_pattern_still_passes(text):
    assert check(text).ok, check(text).reasons


def test_whole_words_only_open_a_question():
    assert not check("Whatever happened there?").ok
    assert not check("Wollen Sie das?", lang=DE).ok  # 'wo' opens 'Wo ...?', not 'Wollen'
    assert check("Wo stehen Sie gerade?", lang=DE).ok


def test_the_guard_is_the_sessions_languages_not_englishs():
    assert not check("What changed this time?", lang=DE).ok
    assert not check("Was hat sich diesmal geändert?").ok


def test_a_guard_only_language_reads_and_speaks_english_offline():
    assert DE.level == FR.level == "guard" and DE.name == "German" and FR.name == "French"
    assert DE.offline is language.ENGLISH and DE.lexicon is language.ENGLISH.lexicon
    assert language.ENGLISH.offline is language.ENGLISH and language.ENGLISH.level == "full"
    assert {"de", "fr", "en", "es"} <= set(language.shipped())
    assert "de" not in language.coached() and "en" in language.coached()


def test_a_folder_is_guard_only_or_whole(tmp_path):
    folder = tmp_path / "xx"
    folder.mkdir()
    (folder / "guard.toml").write_text((LANGUAGES_DIR / "de" / "guard.toml").read_text("utf-8"),
                                       encoding="utf-8")
    assert language.load(folder).level == "guard"
    (folder / "lexicon.toml").write_text((LANGUAGES_DIR / "en" / "lexicon.toml")
                                         .read_text("utf-8"), encoding="utf-8")
    with pytest.raises(LanguageFileError, match=r"^xx/phrasing.toml: missing"):
        language.load(folder)
    (folder / "guard.toml").unlink()
    (folder / "phrasing.toml").write_text((LANGUAGES_DIR / "en" / "phrasing.toml")
                                          .read_text("utf-8"), encoding="utf-8")
    with pytest.raises(LanguageFileError, match=r"^xx/guard.toml: missing"):
        language.load(folder)


def test_an_accepted_idea_told_as_a_statement_is_no_advice_question():
    idea = ("One option some reps use is to block a fixed hour each day for prospecting. "
            "How might something like that fit your week?")
    assert check(idea, offer_accepted=True).ok and not check(idea).telling
    asked = "Which option some reps use would fit your week, calling the CFO first?"
    assert check(asked).telling
