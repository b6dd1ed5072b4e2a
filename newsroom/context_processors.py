from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    from briefings.models import Topic

    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "nav_topics": SimpleLazyObject(lambda: list(Topic.objects.all())),
    }
