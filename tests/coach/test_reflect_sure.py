"""The offline coach says back only what reads right: a whole clause, in the second person, in
the session's language; otherwise nothing, and the question stands alone (issue 12 item 2, the
garbles a rep saw)."""

import pytest

from service.coach.language.reflect import follow_up_ack, reflect


@pytest.mark.parametrize("text, garble", [
    ("I lost it when procurement pulls the meeting somewhere else.", "So when procurement"),
    ("Their CIO said they want to cut it.", "cut it."),
    ("Honestly, both see.", "you both see"),
    ("La diferencia fue que dediqué menos tiempo a buscar clientes nuevos y las renovaciones "
     "ocuparon casi toda mi semana.", "renovaciones"),
])
def test_a_reflection_it_cannot_say_right_is_not_said(text, garble):
    said = " ".join(reflect(text, i) for i in range(4))
    assert garble not in said
    assert all(reflect(text, i) == "" for i in range(4))


def test_a_whole_clause_is_still_said_back_in_the_second_person():
    said = reflect("Renewals ate most of my week, so I let new pipeline dry up.", 0)
    assert said and "my" not in said.split() and "you" in said.split()


def test_a_follow_up_in_another_language_is_not_quoted_inside_english():
    ack = follow_up_ack("Conseguí dos de las tres reuniones; la tercera empresa todavía no ha "
                        "contestado.", "unclear")
    assert "Conseguí" not in ack and ack.endswith(".")
