"""The OpenAPI document says what the API does: every error an endpoint can answer is
declared with the body it has, and the batch schema states the rules the API enforces.

Finding 10 of the hardening issue: the document omitted 401 and 422 and described an
empty batch as valid while the API refuses it.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, item

OPENAPI = "/api/openapi.json"
RECORDS = "/api/frameworks/T/records"
# Every endpoint, with the statuses it can answer besides success: each needs a token (401)
# and counts towards the rate limit (429); each resolves a framework code (404).
DECLARED = {
    ("/api/frameworks/{code}", "get"): {401, 404, 422, 429},
    ("/api/frameworks/{code}/periods", "get"): {401, 404, 429},
    ("/api/frameworks/{code}/scores/{period}", "get"): {401, 404, 429},
    ("/api/frameworks/{code}/records", "post"): {401, 404, 413, 422, 429},
}


def _document(api: Api) -> dict[str, Any]:
    response = api.client.get(OPENAPI)
    assert response.status_code == 200
    return response.json()


def _schema(document: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    """The component schema documented for an answer."""
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    reference = content["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][reference.rsplit("/", 1)[1]]


def _conforms(body: Any, schema: dict[str, Any]) -> bool:
    """The body is an object with exactly the documented fields, all required present."""
    return (
        isinstance(body, dict)
        and set(body) <= set(schema["properties"])
        and set(schema.get("required", [])) <= set(body)
    )


def test_finding_10_openapi_declares_401_404_and_422(api: Api) -> None:
    document = _document(api)
    for (path, method), statuses in DECLARED.items():
        declared = {int(code) for code in document["paths"][path][method]["responses"]}
        assert statuses <= declared, (path, method, declared)
    error = _schema(document, "/api/frameworks/{code}/periods", "get", 401)
    assert set(error["properties"]) == {"detail"}
    # The records' 422 is the documented list of located errors (docs/api.md).
    errors = _schema(document, "/api/frameworks/{code}/records", "post", 422)
    assert set(errors["properties"]) == {"errors", "more"}
    item_error = document["components"]["schemas"]["ItemErrorOut"]
    assert set(item_error["properties"]) == {"index", "field", "message"}


def test_finding_10_openapi_says_a_batch_needs_a_record(api: Api) -> None:
    document = _document(api)
    body = document["paths"]["/api/frameworks/{code}/records"]["post"]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"]
    batch = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert batch["properties"]["records"]["minItems"] == 1


def test_finding_10_answers_match_the_document(api: Api) -> None:
    document = _document(api)
    records = "/api/frameworks/{code}/records"

    # No token, or an unknown one: 401 with the documented body.
    for response in (
        api.client.get("/api/frameworks/T/periods"),
        api.client.get("/api/frameworks/T/periods", HTTP_AUTHORIZATION="Bearer nonsense"),
        api.client.post(RECORDS, {"records": [item("x")]}, content_type="application/json"),
    ):
        assert response.status_code == 401
        # In Chinese: the request says no language (tests/api/test_language.py).
        assert response.json() == {
            "detail": "需要有效的令牌：请发送请求头 Authorization: Bearer <令牌>"
        }
        assert _conforms(response.json(), _schema(document, records, "post", 401))

    # An empty batch: 422 as the document now says, with the message the API always gave.
    response = api.post(RECORDS, {"records": []})
    assert response.status_code == 422
    assert _conforms(response.json(), _schema(document, records, "post", 422))
    assert response.json()["errors"] == [
        {"index": None, "field": "records", "message": "the batch contains no records"}
    ]

    # A query parameter that is not valid: 422 in the shape declared for it.
    response = api.get("/api/frameworks/T?year=soon")
    assert response.status_code == 422
    assert _conforms(response.json(), _schema(document, "/api/frameworks/{code}", "get", 422))

    # An unknown framework: 404 with the documented body.
    response = api.get("/api/frameworks/NOPE/periods")
    assert response.status_code == 404
    assert _conforms(
        response.json(), _schema(document, "/api/frameworks/{code}/periods", "get", 404)
    )
