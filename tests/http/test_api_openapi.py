"""The OpenAPI document at /api/v1/openapi.json is true to the routes: every route documented, nothing more."""
import re

from app.api.openapi import PATHS

BASE = "/api/v1"
NOT_DOCUMENTED = {"api.v1.unknown"}  # the JSON answer for paths that are no route


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.v1.") or rule.endpoint in NOT_DOCUMENTED:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)[len(BASE):]
        found.update((path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"})
    return found


def test_every_route_is_in_the_document_and_the_document_has_no_other(app, client):
    response = client.get(BASE + "/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert documented == _routes(app)
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": BASE}]


def test_every_operation_has_an_id_a_summary_and_its_path_parameters(app):
    ids = []
    for path, operations in PATHS.items():
        for method, operation in operations.items():
            ids.append(operation["operationId"])
            assert operation["summary"] and operation["responses"], (path, method)
            named = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert named == set(re.findall(r"\{([a-z_]+)\}", path)), (path, method)
    assert len(ids) == len(set(ids))


def test_every_schema_reference_resolves(client):
    document = client.get(BASE + "/openapi.json").get_json()
    text = str(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in document["components"]["schemas"], name


def test_the_document_needs_no_token(client):
    assert client.get(BASE + "/openapi.json").status_code == 200
