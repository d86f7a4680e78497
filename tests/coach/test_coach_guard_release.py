"""A streaming reply reaches the rep sentence by sentence, each only once the guard passed it."""

from service.coach import Coach, Delta, FakeEngine, Replace, SessionState, TurnResult

OPENING = "Your closed value is down 5% this month. How do you read that?"
GOOD = "So procurement went quiet. What would get them talking again?"


class Logged(FakeEngine):
    """Streams word by word and logs each piece it hands out, and whether it was stopped."""

    def __init__(self, *items, log):
        super().__init__(*items)
        self.log, self.stopped = log, []

    def stream(self, turn):
        self.history.append(turn)
        text = self._next(turn)
        try:
            for word in text.split(" "):
                self.log.append(("engine", word))
                yield word + " "
        except GeneratorExit:
            self.stopped.append(text)
            raise


def play(context, *drafts, rep="Procurement went quiet after the audit."):
    log = []
    engine = Logged(OPENING, *drafts, log=log)
    coach = Coach(engine)
    state = SessionState(mode="weekly_review", stage="", context=context)
    list(coach.open(state))
    log.clear()
    items = []
    for item in coach.respond(state, rep):
        items.append(item)
        if isinstance(item, Delta):
            log.append(("shown", str(item)))
    return items, log, engine


def test_a_passed_sentence_shows_before_the_model_has_finished(context):
    items, log, _ = play(context, GOOD)
    shown = [i for i, (who, _) in enumerate(log) if who == "shown"]
    last_piece = max(i for i, (who, _) in enumerate(log) if who == "engine")
    assert log[shown[0]] == ("shown", "So procurement went quiet.")
    assert shown[0] < last_piece  # the reflection was on screen while the question streamed
    assert "".join(str(i) for i in items if isinstance(i, Delta)).strip() == GOOD
    assert not [i for i in items if isinstance(i, Replace)]
    assert items[-1].guard["outcome"] == "passed"


def test_the_first_failing_sentence_stops_the_draft_and_nothing_of_it_shows(context):
    bad = ("So procurement went quiet. You should call the CFO today. "
           "What do you think about that?")
    items, log, engine = play(context, bad, GOOD)
    shown = "".join(str(i) for i in items if isinstance(i, Delta))
    assert shown == "So procurement went quiet."  # passed, so shown; the rest never was
    assert "should" not in shown and "think" not in shown
    assert engine.stopped == [bad]  # the model was stopped at the failing sentence
    assert ("engine", "think") not in log
    replaced = [i.text for i in items if isinstance(i, Replace)]
    result = items[-1]
    assert isinstance(result, TurnResult) and replaced == [GOOD] and result.text == GOOD
    assert result.guard["outcome"] == "regenerated"


def test_a_draft_stopped_early_still_counts_its_tokens_when_the_engine_meters(context):
    class Metered(Logged):
        reports_usage = True  # usage comes with the stream's end, which a stopped draft never has

        def stream(self, turn):
            yield from super().stream(turn)
            turn.usage = {"prompt_tokens": 10, "completion_tokens": 5}

    engine = Metered(OPENING, "You should call the CFO today. What now?", GOOD, log=[])
    coach = Coach(engine)
    state = SessionState(mode="weekly_review", stage="", context=context)
    list(coach.open(state))
    result = list(coach.respond(state, "Procurement went quiet after the audit."))[-1]
    assert result.guard["outcome"] == "regenerated"
    assert result.prompt_tokens > 10 + 100  # the stopped draft's whole prompt, estimated
    assert result.completion_tokens >= 5 + 5
