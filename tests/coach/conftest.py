"""A realistic context for one rep, as build_context would produce it, for engine-level tests."""

import pytest

from service.coach import load_modes


def make_context():
    def metric(value, previous):
        change = None if previous in (None, 0) else round((float(value) - float(previous))
                                                           / float(previous) * 100, 1)
        return {"value": value, "previous": previous, "change_pct": change}

    return {
        "today": "2025-03-05",
        "rep": {"id": 7, "name": "Dana Reyes"},
        "currency": "EUR",
        "periods": [
            {"label": "February 2025", "start": "2025-02-01", "end": "2025-02-28", "metrics": {
                "pipeline_count": metric(14, 12), "proposals": metric(5, 6),
                "deals_closed": metric(3, 4), "pipeline_value": metric("310000.00", "280000.00"),
                "closed_value": metric("42000.00", "44200.00"), "quota": metric("50000.00", "50000.00"),
                "attainment": metric(84.0, 88.4)}},
            {"label": "January 2025", "start": "2025-01-01", "end": "2025-01-31", "metrics": {
                "pipeline_count": metric(12, None), "closed_value": metric("44200.00", None)}},
        ],
        "skills_audit": {
            "latest": {"date": "2025-01-15", "ratings": [
                {"skill": "prospecting", "rating": 3, "note": "inconsistent"},
                {"skill": "closing", "rating": 2, "note": "hesitate to ask"}]},
            "previous": None},
        "opportunity": {
            "id": 31, "name": "Globex fleet renewal", "account": "Globex", "amount": "120000.00",
            "currency": "EUR", "stage": "Proposal", "days_in_stage": 41, "benchmark_days": 21,
            "stalled": True, "close_date": "2025-03-31", "next_step": "Send revised pricing",
            "competitors": ["Initech"],
            "milestones": [{"name": "budget confirmed", "met": True},
                           {"name": "decision maker met", "met": False}],
            "stage_history": [{"stage": "Discovery", "date": "2025-01-02"},
                              {"stage": "Proposal", "date": "2025-01-23"}]},
        "account": {"id": 12, "name": "Globex", "industry": "Logistics", "open_opportunities": 2,
                    "open_value": "150000.00", "won_value": "80000.00"},
        "pre_call": {"date": "2025-03-03", "objectives": [
            "confirm the decision process", "agree a date for the pilot review"]},
        "commitments": [{"id": 5, "text": "Call the three stalled accounts", "due_date": "2025-03-07",
                         "measure": "3 calls"}],
    }


@pytest.fixture
def context():
    return make_context()


@pytest.fixture(scope="session")
def modes():
    return load_modes()
