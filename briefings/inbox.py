"""The discovered-items inbox as writers use it: starting a briefing from a source item.

Lives in briefings (not sources) because it creates briefings; sources knows nothing of them.
"""
