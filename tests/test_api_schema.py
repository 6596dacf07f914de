"""The served OpenAPI schema, checked by schemathesis against the running app (in process)."""

from __future__ import annotations

import warnings

import schemathesis
from hypothesis import HealthCheck, given, settings

from parley.server import create_app


def test_api_conforms_to_its_schema(demo_db):
    """Every operation answers within its documented status codes, shapes and content types."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(demo_db, token=""))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate()

        check()
