"""The database transactions around the coach: starting a session, one turn, ending it."""
