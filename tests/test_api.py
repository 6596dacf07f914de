"""The HTTP API through the in-process client: filters, drill-down, errors, limits, auth, escaping."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from parley.server import create_app

ERROR_KEYS = {"status", "code", "message"}


@pytest.fixture(scope="module")
def client(demo_db):
    return TestClient(create_app(demo_db, token=""))


def _error(response, status):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status and body["error"]["message"]
    return body["error"]


def test_api_events_filters_and_pagination(client):
    everything = client.get("/api/events", params={"limit": 500}).json()
    assert everything["total"] > 100 and len(everything["events"]) == min(500, everything["total"])
    dyad = client.get("/api/events", params={"dyad": "USA-PRK"}).json()
    assert dyad["total"] > 5
    assert all((e["source"]["country"], e["target"]["country"]) == ("USA", "PRK") for e in dyad["events"])
    sanctions = client.get("/api/events", params={"type": "SANCTION", "quad": 3}).json()
    assert all(e["event_type"] == "SANCTION" and e["quad_class"] == 3 for e in sanctions["events"])
    window = client.get("/api/events", params={"since": "2018-06-01", "until": "2018-06-30"}).json()
    assert window["total"] and all("2018-06-01" <= e["date"] <= "2018-06-30" for e in window["events"])
    actor = client.get("/api/events", params={"actor": "JPN"}).json()
    assert all("JPN" in (e["source"]["country"], (e["target"] or {}).get("country")) for e in actor["events"])
    text = client.get("/api/events", params={"q": "sanction"}).json()
    assert text["total"] >= 1
    first = client.get("/api/events", params={"limit": 5, "offset": 0}).json()["events"]
    second = client.get("/api/events", params={"limit": 5, "offset": 5}).json()["events"]
    assert len(first) == len(second) == 5 and not {e["event_id"] for e in first} & {
        e["event_id"] for e in second
    }


def test_api_event_detail_has_its_mentions(client):
    event = client.get("/api/events", params={"limit": 1}).json()["events"][0]
    detail = client.get(f"/api/events/{event['event_id']}").json()
    assert detail["event_id"] == event["event_id"] and len(detail["mentions_list"]) == detail["mentions"]
    assert all(m["event_id"] == event["event_id"] and m["quote"] for m in detail["mentions_list"])


def test_api_dyad_series_and_analytics(client):
    series = client.get("/api/dyads/USA-PRK/series", params={"by": "month"}).json()
    assert series["source"] == "USA" and series["series"]
    row = series["series"][0]
    assert set(row) >= {"period", "events", "quad", "goldstein_sum", "goldstein_mean", "plover_mean"}
    assert sum(row["quad"].values()) == row["events"]
    normalised = client.get("/api/dyads/USA-PRK/series", params={"normalise": "true"}).json()["series"]
    # a period may hold only events that later articles looked back on: no reporting volume there
    assert any(r["documents"] for r in normalised)
    assert all(
        (r["events_per_100_documents"] > 0) if r["documents"] else r["events_per_100_documents"] is None
        for r in normalised
    )
    assert client.get("/api/alerts").json()["alerts"] is not None
    network = client.get("/api/network").json()
    assert network["nodes"] and all(e["weight"] >= 1 and e["color"].startswith("#") for e in network["edges"])
    gexf = client.get("/api/network", params={"format": "gexf"})
    assert gexf.headers["content-type"].startswith("application/xml") and b"<gexf" in gexf.content


def test_api_formulas_and_timeline(client):
    formulas = client.get("/api/formulas").json()["formulas"]
    used = [f for f in formulas if f["hits"]]
    assert used
    timeline = client.get(f"/api/formulas/{used[0]['id']}/timeline").json()
    assert len(timeline["timeline"]) == used[0]["hits"]
    _error(client.get("/api/formulas/no_such_formula/timeline"), 404)


def test_api_document_offsets(client):
    document = client.get("/api/documents/hostile-1").json()
    for event in document["events"]:
        assert document["text"][event["char_start"] : event["char_end"]] == event["quote"]
    assert document["events"] and "<script>" in document["text"]  # the API returns the text as it is


def test_api_errors_share_one_shape(client):
    _error(client.get("/api/events/evnothing"), 404)
    _error(client.get("/api/documents/nothing"), 404)
    _error(client.get("/api/nowhere"), 404)
    for params in ({"quad": 9}, {"dyad": "USA"}, {"since": "2021-13-45"}, {"limit": 0}, {"type": "HUG"}):
        assert _error(client.get("/api/events", params=params), 422)["code"] == "invalid_parameter"
    _error(client.get("/api/dyads/usa-prk/series"), 422)
    _error(client.get("/api/dyads/USA-PRK/series", params={"by": "year"}), 422)


def test_api_openapi_is_served(client):
    schema = client.get("/openapi.json").json()
    assert "/api/events" in schema["paths"] and "/api/dyads/{pair}/series" in schema["paths"]


def test_api_writes_are_off_without_a_token(client):
    error = _error(client.post("/api/documents", json=[{"text": "Japan protested to China."}]), 403)
    assert "PARLEY_TOKEN" in error["message"]


def test_api_writes_need_the_bearer_token(tmp_path, parley):
    app = create_app(tmp_path / "w.duckdb", token="s3cret")
    app.state.parley = parley
    writer = TestClient(app)
    body = [{"text": "Japan lodged a protest with China on Monday.", "date": "2024-03-18", "id": "w1"}]
    _error(writer.post("/api/documents", json=body), 401)
    _error(writer.post("/api/documents", json=body, headers={"Authorization": "Bearer wrong"}), 401)
    done = writer.post("/api/documents", json=body, headers={"Authorization": "Bearer s3cret"})
    assert done.status_code == 201 and done.json()["stored"] == 1 and done.json()["ids"] == ["w1"]
    assert writer.get("/api/documents/w1").json()["events"]
    assert writer.get("/api/events").json()["total"] >= 1
    _error(
        writer.post("/api/documents", json=[{"text": ""}], headers={"Authorization": "Bearer s3cret"}), 422
    )


def test_api_refuses_oversized_bodies(tmp_path):
    small = TestClient(create_app(tmp_path / "s.duckdb", token="t", max_body=1000))
    headers = {"Authorization": "Bearer t"}
    _error(small.post("/api/documents", json=[{"text": "x" * 5000}], headers=headers), 413)

    def chunks():
        yield b'[{"text": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}]'

    _error(small.post("/api/documents", content=chunks(), headers=headers), 413)


def test_pages_escape_document_text(client):
    page = client.get("/documents/hostile-1")
    assert page.status_code == 200
    assert "<script>window.pwned" not in page.text and "&lt;script&gt;window.pwned" in page.text
    assert "<img src=x onerror" not in page.text
    assert "<mark" in page.text  # events are highlighted
    search = client.get("/search", params={"q": "<script>"})
    assert "<script>" not in search.text.split("<main>")[1]


def test_pages_never_read_files_named_by_the_request(client):
    for path in ("/static/../../pyproject.toml", "/static/%2e%2e%2fpyproject.toml", "/static/app.py",
                 "/static/..%2F..%2Fserver%2F__init__.py"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404 and "[project]" not in response.text


def test_pages_render_and_link_to_local_assets_only(client):
    for path in ("/", "/dyads/USA-PRK", "/formulas?a=USA&b=KOR", "/search?q=summit", "/documents/hostile-1"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "http://" not in page.text.replace("http://www.w3.org", "") or path.startswith("/documents")
        assert "cdn" not in page.text.lower()
    assert client.get("/static/plotly.min.js").status_code == 200


def test_api_opens_an_unlinked_store_and_links_it_first(tmp_path, parley):
    """A store left with unlinked mentions (a stopped ingest) is linked before the read-only app serves it."""
    from parley import service
    from parley.store import Store

    source = tmp_path / "d.jsonl"
    source.write_text(
        '{"id": "a", "date": "2021-05-31", "text": "North Korea criticized the United States."}\n'
    )
    with Store(tmp_path / "u.duckdb") as store:
        store.regroup = lambda: 0  # stopped before linking
        service.ingest([str(source)], store, parley=parley)
        assert store.dirty()
    served = TestClient(create_app(tmp_path / "u.duckdb", token=""))
    assert served.get("/api/events").json()["total"] == 1
