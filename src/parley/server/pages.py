"""The dashboard: server-rendered pages (Jinja2, autoescaped) with Plotly charts served locally."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from parley import analytics
from parley.server import ApiError, plotly_js, static_dir
from parley.server.routes import DYAD, Store

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
STATIC = {"app.css": "text/css", "app.js": "text/javascript"}


def render(request: Request, name: str, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


@router.get("/static/plotly.min.js")
def plotly() -> FileResponse:
    return FileResponse(plotly_js(), media_type="text/javascript")


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    if name not in STATIC:  # a fixed list: the request never names a file on disk
        raise ApiError(404, f"no static file {name}")
    return FileResponse(static_dir() / name, media_type=STATIC[name])


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, store: Store):
    dyads = store.con.execute(
        "SELECT source_country, target_country, count(*) AS n, avg(plover_score), sum(mentions) "
        "FROM events WHERE target_country IS NOT NULL AND source_country <> target_country "
        "GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 12"
    ).fetchall()
    alerts = [a.to_dict() for a in analytics.shifts(store.con, top_dyads=12, limit=8)]
    _, latest = store.search_events(limit=12)
    counts = store.con.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events), "
        "(SELECT count(*) FROM mentions)"
    ).fetchone()
    return render(
        request,
        "overview.html",
        dyads=[
            {"source": s, "target": t, "events": n, "score": round(score, 2), "mentions": int(m or 0)}
            for s, t, n, score, m in dyads
        ],
        alerts=alerts,
        latest=latest,
        counts={"documents": counts[0], "events": counts[1], "mentions": counts[2]},
    )


@router.get("/dyads/{pair}", response_class=HTMLResponse)
def dyad(
    request: Request,
    store: Store,
    pair: Annotated[str, PathParam(pattern=DYAD)],
    by: Annotated[str, Query(pattern="^(day|week|month)$")] = "month",
):
    source, target = pair.split("-")
    forward = analytics.dyad_series(store.con, source, target, by)
    backward = analytics.dyad_series(store.con, target, source, by)
    return render(
        request,
        "dyad.html",
        source=source,
        target=target,
        by=by,
        series={"forward": forward, "backward": backward},
        total=sum(r["events"] for r in forward) + sum(r["events"] for r in backward),
    )


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, store: Store, event_id: Annotated[str, PathParam(max_length=64)]):
    event = store.event(event_id)
    if event is None:
        raise ApiError(404, f"no event {event_id}")
    return render(request, "event.html", event=event, mentions=list(store.mentions(event_id)))


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, store: Store, doc_id: Annotated[str, PathParam(max_length=200)]):
    document = store.document(doc_id)
    if document is None:
        raise ApiError(404, f"no document {doc_id}")
    return render(request, "document.html", document=document, segments=segments(document))


def segments(document: dict) -> list[dict]:
    """The text cut at every annotation boundary; each piece lists the annotations covering it.

    The template escapes every piece, so markup in a document is shown, never run."""
    text = document["text"]
    spans = [
        ("event", i, e["char_start"], e["char_end"], e["event_id"], f"{e['event_type']} {e['cameo']}")
        for i, e in enumerate(document["events"])
    ] + [
        ("formula", i, f["char_start"], f["char_end"], f["formula_id"], f"{f['formula_id']} ({f['status']})")
        for i, f in enumerate(document["formulas"])
    ]
    cuts = sorted({0, len(text), *(s[2] for s in spans), *(s[3] for s in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if start >= end:
            continue
        covering = [s for s in spans if s[2] <= start and end <= s[3]]
        pieces.append(
            {
                "text": text[start:end],
                "kinds": sorted({s[0] for s in covering}),
                "events": sorted({s[4] for s in covering if s[0] == "event"}),
                "titles": "; ".join(s[5] for s in covering),
                "first": [s for s in covering if s[2] == start],
            }
        )
    return pieces


@router.get("/formulas", response_class=HTMLResponse)
def formulas_page(
    request: Request,
    store: Store,
    a: Annotated[str, Query(pattern="^[A-Z]{3}$")] = "USA",
    b: Annotated[str, Query(pattern="^[A-Z]{3}$")] = "KOR",
    category: Annotated[str | None, Query(max_length=80)] = None,
):
    """Formula-by-document matrix for the documents where speaker a or b uses formulas."""
    from parley.formulas.series import MARKS, series_from_hits
    from parley.models import Document
    from parley.server.routes import _lexicon

    where = "h.speaker_country IN (?, ?)"
    params: list = [a, b]
    if category:
        where += " AND h.category = ?"
        params.append(category)
    rows = store.con.execute(
        f"SELECT d.doc_id, d.published, d.title, h.formula_id, h.status FROM formula_hits h "
        f"JOIN documents d USING (doc_id) WHERE {where} ORDER BY d.published, d.doc_id",
        params,
    ).fetchall()
    found: dict[str, tuple] = {}
    titles = {}
    for doc_id, published, title, formula_id, status in rows:
        document, hits = found.setdefault(doc_id, (Document(text="", id=doc_id, published=published), []))
        hits.append({"formula_id": formula_id, "status": status})
        titles[doc_id] = title
    matrix = series_from_hits(list(found.values()), _lexicon())
    categories = [
        r[0] for r in store.con.execute("SELECT DISTINCT category FROM formula_hits ORDER BY 1").fetchall()
    ]
    return render(
        request,
        "formulas.html",
        a=a,
        b=b,
        category=category,
        categories=categories,
        matrix=matrix,
        titles=titles,
        marks=MARKS,
    )


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, store: Store, q: Annotated[str, Query(max_length=200)] = ""):
    results = []
    if q.strip():
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", q.strip()) + "%"
        results = [
            dict(zip(["event_id", "doc_id", "date", "event_type", "quote", "title"], r, strict=True))
            for r in store.con.execute(
                "SELECT m.event_id, m.doc_id, m.date, m.event_type, m.quote, d.title FROM mentions m "
                "JOIN documents d USING (doc_id) WHERE m.quote ILIKE ? ESCAPE '\\' "
                "ORDER BY m.date DESC NULLS LAST, m.event_key LIMIT 100",
                [pattern],
            ).fetchall()
        ]
    return render(request, "search.html", q=q, results=results)


def period_end(start: date, by: str) -> date:
    if by == "day":
        return start
    if by == "week":
        return start + timedelta(days=6)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - timedelta(days=1)
