"""The session summary: its schema and validation, its sentences, and drafting it."""
