from .briefing import Briefing, BriefingQuerySet, Topic
from .children import HOUSE_SECTIONS, Citation, EditorsNote, QABlock, Section, Takeaway
from .revision import Revision
from .standards import StandardsVersion

__all__ = [
    "HOUSE_SECTIONS",
    "Briefing",
    "BriefingQuerySet",
    "Citation",
    "EditorsNote",
    "QABlock",
    "Revision",
    "Section",
    "StandardsVersion",
    "Takeaway",
    "Topic",
]
