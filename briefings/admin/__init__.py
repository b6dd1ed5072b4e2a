"""The desk in the Django admin: briefings and their workflow, the inbox, topics, standards."""

from . import briefing, inbox, standards, topics

__all__ = ["briefing", "inbox", "standards", "topics"]
