"""The committed OpenAPI schema (docs/openapi.yaml) is the one the code generates: a change to
an endpoint without `make openapi` fails here."""

from pathlib import Path

from django.conf import settings
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.validation import validate_schema

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def generated_schema() -> tuple[dict, str]:
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema, OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


def test_committed_schema_matches_the_code():
    schema, text = generated_schema()
    assert not GENERATOR_STATS._warn_cache, f"schema warnings: {list(GENERATOR_STATS._warn_cache)}"
    assert not GENERATOR_STATS._error_cache, f"schema errors: {list(GENERATOR_STATS._error_cache)}"
    validate_schema(schema)
    assert SCHEMA_FILE.read_text() == text, (
        "docs/openapi.yaml is out of date: run `make openapi` and commit it"
    )


def test_every_operation_documents_its_errors_as_problems():
    schema, _ = generated_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "429" in responses, (method, path)
            for code, response in responses.items():
                if code.startswith("4"):
                    assert "application/problem+json" in response["content"], (method, path, code)
            if any(operation.get("security", [])) and any(s for s in operation["security"]):
                assert {"401", "403"} <= set(responses), (method, path)
