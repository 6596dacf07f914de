"""The JSON API under /api."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from parley import analytics
from parley.server import ApiError, check_token

router = APIRouter(prefix="/api")

COUNTRY = r"^[A-Z]{3}$"
DYAD = r"^[A-Z]{3}-[A-Z]{3}$"
EVENT_TYPES = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "SANCTION", "THREATEN", "PROTEST", "MOBILIZE", "COERCE", "ASSAULT",
]  # fmt: skip


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


ERRORS = {status: {"model": ErrorBody} for status in (401, 403, 404, 413, 422)}


def db_view(request: Request):
    with request.app.state.db.view() as store:
        yield store


Store = Annotated[object, Depends(db_view)]


def _pair(value: str) -> tuple[str, str]:
    source, target = value.split("-")
    return source, target


@router.get("/events", responses=ERRORS)
def list_events(
    store: Store,
    dyad: Annotated[str | None, Query(pattern=DYAD, description="SRC-TGT, e.g. USA-PRK")] = None,
    actor: Annotated[
        str | None, Query(min_length=2, max_length=80, description="country or actor id")
    ] = None,
    type: Annotated[EVENT_TYPES | None, Query(description="PLOVER event type")] = None,  # noqa: A002
    quad: Annotated[int | None, Query(ge=1, le=4)] = None,
    since: date | None = None,
    until: date | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200, description="text in a quote")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict:
    """Canonical events, newest first, with their mention and source counts."""
    total, events = store.search_events(
        _pair(dyad) if dyad else None, actor, type, quad, since, until, q, limit, offset
    )
    return {"total": total, "limit": limit, "offset": offset, "events": events}


@router.get("/events/{event_id}", responses=ERRORS)
def get_event(store: Store, event_id: Annotated[str, Path(max_length=64)]) -> dict:
    """One event with every mention behind it."""
    event = store.event(event_id)
    if event is None:
        raise ApiError(404, f"no event {event_id}")
    event["mentions_list"] = list(store.mentions(event_id))
    return event


@router.get("/dyads/{pair}/series", responses=ERRORS)
def dyad_series(
    store: Store,
    pair: Annotated[str, Path(pattern=DYAD, description="SRC-TGT, e.g. USA-PRK")],
    by: Literal["day", "week", "month"] = "month",
    normalise: bool = False,
    since: date | None = None,
    until: date | None = None,
) -> dict:
    """Counts by quad class, Goldstein and PLOVER scores of one directed dyad by period."""
    source, target = _pair(pair)
    series = analytics.dyad_series(store.con, source, target, by, normalise, since, until)
    return {"source": source, "target": target, "by": by, "series": series}


@router.get("/alerts", responses=ERRORS)
def alerts(
    store: Store,
    dyad: Annotated[str | None, Query(pattern=DYAD)] = None,
    threshold: Annotated[float, Query(ge=1.0, le=20.0)] = 3.0,
    baseline_weeks: Annotated[int, Query(ge=4, le=104)] = 12,
    since: date | None = None,
    until: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict:
    """Weeks where a dyad's mean PLOVER score left its rolling baseline, with the events behind them."""
    found = analytics.shifts(
        store.con,
        _pair(dyad) if dyad else None,
        baseline_weeks,
        threshold,
        since=since,
        until=until,
        limit=limit,
    )
    return {"alerts": [a.to_dict() for a in found]}


@router.get(
    "/network",
    responses={
        **ERRORS,
        200: {
            "description": "JSON nodes and edges, or GEXF with format=gexf",
            "content": {"application/json": {}, "application/xml": {"schema": {"type": "string"}}},
        },
    },
)
def network(
    store: Store,
    since: date | None = None,
    until: date | None = None,
    min_events: Annotated[int, Query(ge=1, le=100_000)] = 1,
    format: Literal["json", "gexf"] = "json",  # noqa: A002
):
    """Countries and the directed edges between them, weighted by events and coloured by score."""
    graph = analytics.network(store.con, since, until, min_events)
    if format == "gexf":
        import io

        import networkx as nx

        buffer = io.BytesIO()
        nx.write_gexf(graph, buffer)
        return Response(buffer.getvalue(), media_type="application/xml")
    return {
        "nodes": [{"id": n, **graph.nodes[n]} for n in sorted(graph.nodes)],
        "edges": [{"source": a, "target": b, **d} for a, b, d in sorted(graph.edges(data=True))],
    }


@cache
def _lexicon():
    """The formula lexicon, read once per process."""
    from parley.formulas.lexicon import load_lexicon

    return load_lexicon()


@router.get("/formulas", responses=ERRORS)
def formulas(store: Store, category: Annotated[str | None, Query(max_length=80)] = None) -> dict:
    """The formula lexicon with how often each formula occurs in the stored documents."""
    counts = {
        row[0]: (row[1], row[2])
        for row in store.con.execute(
            "SELECT formula_id, count(*), count(DISTINCT doc_id) FROM formula_hits GROUP BY 1"
        ).fetchall()
    }
    out = []
    for formula_id, formula in sorted(_lexicon().formulas.items()):
        if category and formula.category != category:
            continue
        hits, documents = counts.get(formula_id, (0, 0))
        out.append(
            {
                "id": formula_id,
                "label": formula.label,
                "category": formula.category,
                "hits": hits,
                "documents": documents,
            }
        )
    return {"formulas": out}


@router.get("/formulas/{formula_id}/timeline", responses=ERRORS)
def formula_timeline(
    store: Store,
    formula_id: Annotated[str, Path(max_length=120)],
    speaker: Annotated[str | None, Query(min_length=2, max_length=120)] = None,
) -> dict:
    """Every stored use of one formula, in date order, with its status and speaker."""
    if formula_id not in _lexicon().formulas:
        raise ApiError(404, f"no formula {formula_id}")
    return {
        "formula": formula_id,
        "timeline": analytics.formula_timeline(store.con, speaker, None, formula_id),
    }


@router.get("/documents/{doc_id}", responses=ERRORS)
def get_document(store: Store, doc_id: Annotated[str, Path(max_length=200)]) -> dict:
    """A document's text with its events and formula hits as character offsets."""
    document = store.document(doc_id)
    if document is None:
        raise ApiError(404, f"no document {doc_id}")
    return document


class NewDocument(BaseModel):
    text: str = Field(min_length=1, max_length=500_000)
    id: str | None = Field(default=None, max_length=200)
    published: date | None = Field(default=None, alias="date")
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=2000)
    publisher: str | None = Field(default=None, max_length=200)
    issuer: str | None = Field(default=None, max_length=200)
    lang: str | None = Field(default=None, max_length=10)


@router.post("/documents", status_code=201, responses=ERRORS, dependencies=[Depends(check_token)])
def post_documents(request: Request, documents: Annotated[list[NewDocument], Body(max_length=1000)]) -> dict:
    """Code and store documents (needs PARLEY_TOKEN on the server and the bearer header)."""
    from parley import service
    from parley.models import Document

    database = request.app.state.db
    batch = [
        Document(
            text=d.text,
            id=d.id or "",
            published=d.published,
            url=d.url,
            title=d.title,
            publisher=d.publisher,
            issuer=d.issuer,
            lang=d.lang,
            source="api",
        )
        for d in documents
    ]
    with database.lock:
        report = service.ingest_documents(batch, database.store, parley=_pipeline(request))
    return {
        "stored": report.stored,
        "skipped": report.skipped,
        "events": report.events,
        "formulas": report.formulas,
        "errors": [str(e) for e in report.errors],
        "ids": [d.id for d in batch],
    }


def _pipeline(request: Request):
    if getattr(request.app.state, "parley", None) is None:
        from parley.pipeline import Parley

        request.app.state.parley = Parley()
    return request.app.state.parley
