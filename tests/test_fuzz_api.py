"""Schemathesis against /api/openapi.json: generated requests never cause a 500 and every
response matches the documented schema (bounded examples, so it fits in CI)."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)


def test_api_conforms_to_its_schema(app, login):
    # Fuzz as a signed-in admin at Loket 1, so counter actions and admin endpoints are exercised.
    cookie = login("admin", 1).get_cookie("loket_session").value
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def exercise(case):
            response = case.call(cookies={"loket_session": cookie})
            case.validate_response(response, checks=CHECKS)

        exercise()
