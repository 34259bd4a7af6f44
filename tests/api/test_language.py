"""The API speaks Chinese unless the request asks for English (Accept-Language: en): its
error messages, ninja's parameter errors, the OpenAPI document and the docs page."""

from __future__ import annotations

import json
from typing import Any

from tests.api.conftest import Api, item

RECORDS = "/api/frameworks/T/records"
OPENAPI = "/api/openapi.json"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# A browser installed in English: the API's JSON follows it, the docs page does not.
BROWSER_EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _chinese(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def test_errors_are_chinese_by_default_and_english_on_request(api: Api) -> None:
    # The fixture's client asks for English (most tests read the English wording); a
    # request that says nothing, or asks for Chinese, gets Chinese.
    for headers in ({"HTTP_ACCEPT_LANGUAGE": ""}, {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}):
        response = api.get("/api/frameworks/NOPE/periods", **headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "未知的指标体系“NOPE”"
        assert response["Content-Language"] == "zh-hans"
        assert "Accept-Language" in response["Vary"]
    response = api.get("/api/frameworks/NOPE/periods", **EN)
    assert response.json() == {"detail": 'unknown framework "NOPE"'}
    assert response["Content-Language"] == "en"


def test_a_missing_token_is_refused_in_the_request_language(api: Api) -> None:
    response = api.client.get("/api/frameworks/T/periods")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "需要有效的令牌：请发送请求头 Authorization: Bearer <令牌>"
    }
    response = api.client.get("/api/frameworks/T/periods", HTTP_AUTHORIZATION="Bearer x", **EN)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "a valid token is required: send the header Authorization: Bearer <token>"
    }


def test_a_bad_query_parameter_keeps_ninja_shape_with_chinese_messages(api: Api) -> None:
    response = api.get("/api/frameworks/T?year=soon", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "year"]
    assert error["type"] == "int_parsing"
    assert error["msg"] == "应为整数"
    english = api.get("/api/frameworks/T?year=soon", **EN).json()["detail"][0]
    assert english["loc"] == ["query", "year"] and english["msg"] == "expected a whole number"


def test_a_bad_batch_is_located_with_chinese_messages(api: Api) -> None:
    batch = {"records": [item("x-1", points="abc"), {"external_id": "x-2"}, 7]}
    errors = api.post(RECORDS, batch, HTTP_ACCEPT_LANGUAGE="").json()["errors"]
    assert errors[0] == {"index": 0, "field": "points", "message": "应为数字，实际为“abc”"}
    assert {"index": 1, "field": "unit", "message": "此项为必填项"} in errors
    assert {"index": 2, "field": None, "message": "应为对象"} in errors
    not_json = api.client.post(
        RECORDS, "{", content_type="application/json", **api.headers(HTTP_ACCEPT_LANGUAGE="")
    )
    assert not_json.json()["errors"] == [
        {"index": None, "field": None, "message": "请求体不是有效的 JSON"}
    ]


def test_a_wrong_method_answers_json(api: Api) -> None:
    response = api.client.delete("/api/frameworks/T/periods")
    assert response.status_code == 405
    assert response.json() == {"detail": "此处不允许该请求方法"}
    assert "GET" in response["Allow"]


def _described(document: dict[str, Any]) -> list[str]:
    """Every human text of the document: title, description, summaries, parameters',
    answers' and schema fields' descriptions."""
    texts = [document["info"]["title"], document["info"]["description"]]
    for operations in document["paths"].values():
        for operation in operations.values():
            texts += [operation["summary"], operation["description"]]
            texts += [parameter["description"] for parameter in operation.get("parameters", [])]
            texts += [answer["description"] for answer in operation["responses"].values()]
    for schema in document["components"]["schemas"].values():
        texts.append(schema["description"])
        texts += [field["description"] for field in schema.get("properties", {}).values()]
    return texts


def test_the_openapi_document_is_chinese_by_default(api: Api) -> None:
    document = api.client.get(OPENAPI).json()
    assert document["info"]["title"] == "清风 API"
    texts = _described(document)
    assert len(texts) > 60
    assert [text for text in texts if not _chinese(text)] == []
    records = document["paths"]["/api/frameworks/{code}/records"]["post"]
    assert records["summary"] == "推送一批填报记录（全部存储或全部不存储，按 external_id 去重）"
    assert records["responses"]["422"]["description"] == "请求无效"
    assert records["tags"] == ["数据采集监测站"]  # the group Swagger UI shows
    english = api.client.get(OPENAPI, **EN).json()
    assert english["info"]["title"] == "Qingfeng API"
    assert not any(_chinese(text) for text in _described(english))
    assert english["paths"]["/api/frameworks/{code}/records"]["post"]["responses"]["422"] == {
        "description": "Request not valid",
        "content": records["responses"]["422"]["content"],
    }


def _embedded(page: str) -> dict[str, Any]:
    """The OpenAPI document the docs page gives Swagger UI (its json_script)."""
    start = page.index('<script id="swagger-settings" type="application/json">')
    settings = page[page.index(">", start) + 1 : page.index("</script>", start)]
    document: dict[str, Any] = json.loads(settings)["spec"]
    return document


def test_the_docs_page_follows_the_site_language(api: Api) -> None:
    # A page read in a browser: Chinese unless the language switch says English, whatever
    # language the browser was installed in.
    page = api.client.get("/api/docs?ui=swagger", **BROWSER_EN).content.decode()
    assert "<title>清风 API</title>" in page and '<html lang="zh-hans">' in page
    # The document is in the page, in its language.
    assert _embedded(page)["info"]["title"] == "清风 API"
    assert "/static/favicon.svg" in page
    api.client.cookies["django_language"] = "en"
    page = api.client.get("/api/docs?ui=swagger").content.decode()
    assert "<title>Qingfeng API</title>" in page
    assert _embedded(page)["info"]["title"] == "Qingfeng API"


def test_the_api_reference_is_a_page_of_the_site_in_its_language(api: Api) -> None:
    """/api/docs is the reference laid out as a page of the site (navigation bar, the
    site's language): every operation of the document with its fields and answers;
    Swagger UI, whose buttons are English only, one link away."""
    page = api.client.get("/api/docs", **BROWSER_EN).content.decode()
    document = api.client.get("/api/openapi.json").json()  # Chinese: the API's default
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert page.count('data-testid="operation"') == len(operations) == 5
    for op in operations:
        assert op["summary"] in page
    assert "接口说明" in page and "请求体" in page and "必填" in page
    assert "<code>records[].unit</code>" in page  # a batch's item fields are listed
    assert "至多 100 个字符" in page  # limits in words (problem_type)
    assert 'href="?ui=swagger"' in page and 'class="navbar' in page
    api.client.cookies["django_language"] = "en"
    english = api.client.get("/api/docs").content.decode()
    assert "API reference" in english and "Required" in english and "接口说明" not in english
