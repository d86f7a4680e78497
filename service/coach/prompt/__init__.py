"""Prompts: one Jinja environment, figures as words, the data block and the token budget."""
