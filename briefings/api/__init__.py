"""The read-only content API under /api/v1/ (docs/api.md): django-ninja operations in
``endpoints``, their JSON schemas built from the typed snapshot in ``schemas``, cursor paging in
``cursor``, and what every API response goes through (rate limit, page cache, conditional
GET, CORS, problem details) in ``http``."""
