from .briefing import Briefing, BriefingQuerySet, Topic
from .children import HOUSE_SECTIONS, Citation, EditorsNote, QABlock, Section, Takeaway
from .error_report import ErrorReport
from .preview_link import PreviewLink
from .public_note import PublicNote, PublicRecordIsPermanent
from .revision import Revision
from .search_entry import SearchEntry
from .sitemap_month import SitemapMonth
from .standards import StandardsVersion
from .transition import Transition

__all__ = [
    "HOUSE_SECTIONS",
    "Briefing",
    "BriefingQuerySet",
    "Citation",
    "EditorsNote",
    "ErrorReport",
    "PreviewLink",
    "PublicNote",
    "PublicRecordIsPermanent",
    "QABlock",
    "Revision",
    "SearchEntry",
    "Section",
    "SitemapMonth",
    "StandardsVersion",
    "Takeaway",
    "Topic",
    "Transition",
]
