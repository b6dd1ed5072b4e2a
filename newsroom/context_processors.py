from django.conf import settings

SITE_DESCRIPTION = "Short, sourced briefings that say where each story began."


def site(request):
    """The site's name and origin, and the page's canonical address on that origin (SITE_URL,
    never the request's host; only a page number survives of the query string)."""
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isdigit() and int(page) > 1 else ""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_DESCRIPTION": SITE_DESCRIPTION,
        "canonical_url": f"{settings.SITE_URL}{request.path}{query}",
    }
