from django.utils.functional import SimpleLazyObject

from .models import Topic


def navigation(request):
    """The site's sections for the header, read only when a template shows them."""
    return {"nav_topics": SimpleLazyObject(lambda: list(Topic.objects.all()))}
