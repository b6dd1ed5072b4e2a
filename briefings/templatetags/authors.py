"""Links from a byline to the author pages.

``{% load authors %}{% for name, url in page.byline|byline_links %}…{% endfor %}`` gives each
name on the live revision's byline with its author page (one query for the whole byline);
``{{ user|author_url }}`` gives one user's.
"""

from django import template

from briefings import authors

register = template.Library()

register.filter("byline_links", authors.byline_links)
register.filter("author_url", authors.author_url)
