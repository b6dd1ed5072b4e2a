"""Every operation of the content API, driven from its own OpenAPI schema by schemathesis
(in-process, through Django's WSGI application, on the test database): no 5xx, and every
answer, errors included, as the schema says. Examples are few (max_examples) to keep the
suite fast; both valid and invalid inputs are generated."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from briefings.api.endpoints import api
from tests.briefings.test_api import newsroom  # noqa: F401 (a fixture)

# A cursor is opaque: a well-formed one the API never gave out is a 400 (problem detail), as
# is an updated_since too near the ends of time to compare, so valid-looking input may get one.
config = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}}}
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
schema.app = get_wsgi_application()


@pytest.fixture
def served(db, newsroom, settings):  # noqa: F811
    """Published, draft, scheduled and withdrawn briefings to be found; no rate limit (one
    address makes hundreds of requests); the host schemathesis' WSGI client names."""
    settings.API_RATE_LIMIT = 0
    settings.ALLOWED_HOSTS = ["localhost"]
    # As Django's test client does: a request's end must not close the test's connection
    # (the test database lives in its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield newsroom
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_to_the_schema(case, served):
    case.call_and_validate()
