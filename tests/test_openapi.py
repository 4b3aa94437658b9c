"""Property-based tests of the REST API against its own OpenAPI document (schemathesis):
requests generated from the schema get answers the schema allows, and never a 5xx.

One check is left out: `positive_data_acceptance` ("a request the schema allows must not be
refused"). Some refusals depend on content no schema can express (an assumption name the
scenario does not have, a CSV without the named column, 2022-02-30, a store built without
the reference dataset); those get a 400 with a message, which the other checks verify is
documented and well-formed."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from chipwatch.server import create_app

COSTLY = "/api/scenarios/run"  # up to 20,000 Monte Carlo draws per request: fewer examples


def failures_of(schema, examples: int) -> list[str]:
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        try:
            check()
        except BaseException as exc:  # noqa: BLE001 - hypothesis raises exception groups; collect them all
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{operation.label}: {str(exc).strip()[:2000]}")
    return failures


@pytest.mark.slow
def test_api_conforms_to_its_schema(lists_db):
    with schemathesis_schema(lists_db) as schema:
        failures = failures_of(schema.exclude(path=COSTLY), 15) + failures_of(schema.include(path=COSTLY), 3)
    assert not failures, "\n\n".join(failures)


class schemathesis_schema:
    """The schema of an app on `db`, closing the app's connections afterwards."""

    def __init__(self, db):
        self.app = create_app(db)

    def __enter__(self):
        return schemathesis.openapi.from_asgi("/openapi.json", self.app)

    def __exit__(self, *exc):
        self.app.state.chipwatch.close()
