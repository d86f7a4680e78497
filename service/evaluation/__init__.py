"""`flask coach eval`: scripted conversations run through the real orchestration and Coach.

Each script (tests/scripts/*.json) builds its own throwaway in-memory SQLite database, plays the
rep's replies in order (words, or a quick-reply pick with words), ends and confirms the session
as the rep would, and reports three things: whether the coach really coached (figures.py),
whether it listened (listening.py) and whether the record it stored is what the rep gave
(expect.py, against the script's ``expect``).
"""

from .figures import listening_table, table
from .report import failure_lines, passed, record_table
from .run import ScriptError, run_all, run_script

__all__ = ["ScriptError", "failure_lines", "listening_table", "passed", "record_table",
           "run_all", "run_script", "table"]
