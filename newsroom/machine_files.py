"""robots.txt and trust.txt: what machines may do with the site, said the same way in both."""

from django.conf import settings
from django.views.generic import TemplateView

# Crawlers that collect pages for training AI models, refused when DATA_TRAINING_ALLOWED is
# off (search engines' ordinary crawlers are not among them).
AI_TRAINING_CRAWLERS = [
    "GPTBot",
    "CCBot",
    "Google-Extended",
    "Applebot-Extended",
    "ClaudeBot",
    "anthropic-ai",
    "Bytespider",
    "meta-externalagent",
    "PerplexityBot",
    "cohere-training-data-crawler",
]


class MachineFile(TemplateView):
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "DATA_TRAINING_ALLOWED": settings.DATA_TRAINING_ALLOWED,
            "SOCIAL_LINKS": settings.SOCIAL_LINKS,
            "AI_TRAINING_CRAWLERS": AI_TRAINING_CRAWLERS,
        }
