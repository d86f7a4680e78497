"""Every manager-side question template renders, with StrictUndefined, into one open question."""

from pathlib import Path

import pytest
from jinja2 import UndefinedError

from service.review.asknow import KINDS, question

SAMPLES = {
    "stalled_opportunity": {"opportunity": "Contoso rollout", "stage": "Negotiation", "days": 31,
                            "benchmark": 14},
    "overdue_commitment": {"commitment": "Book ten first calls", "due": "17 November"},
    "kpi_drop": {"figure": "closed value", "before": "USD 46,000", "now": "USD 39,000",
                 "period": "October 2026"},
    "help_asked": {"help": "A call to the sponsor."},
    "overdue_assignment": {"ask": "Debrief the Contoso call", "due": "4 December"},
}
TEMPLATES = Path(__file__).resolve().parents[2] / "prompts" / "manager"


def test_every_template_file_is_a_known_kind():
    assert sorted(p.stem for p in TEMPLATES.glob("*.j2")) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_template_renders_one_open_question(kind):
    text = question(kind, **SAMPLES[kind])
    assert text.endswith("?") and text.count("?") == 1
    assert "{{" not in text and "should" not in text.lower()
    for value in SAMPLES[kind].values():
        assert str(value).rstrip(".") in text


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_value_is_an_error_not_a_gap(kind):
    values = dict(SAMPLES[kind])
    values.popitem()
    with pytest.raises(UndefinedError):
        question(kind, **values)
