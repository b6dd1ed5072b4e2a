"""The desk in the Django admin: briefings and their workflow, the inbox, topics, standards."""

from . import briefing, inbox, reports, standards, topics

__all__ = ["briefing", "inbox", "reports", "standards", "topics"]
