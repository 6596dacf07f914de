"""Relations over time, computed from the store's canonical events (one record per real-world event).

- ``dyad_series``: a directed dyad by day, week or month: event counts by quad class, summed and
  mean Goldstein, mean PLOVER score, optionally per 100 stored documents of the period (reporting
  volume rises and falls; a busy news month is not a tenser month).
- ``shifts``: periods where a dyad's weekly mean PLOVER score departs from its own rolling baseline,
  by a robust z-score (median and MAD of the previous weeks), each with the events that drove it.
- ``network``: actors (countries) as nodes, directed edges weighted by event counts and coloured
  by mean PLOVER score; ``write_gexf`` saves it for Gephi through networkx.
- ``formula_timeline``: for a speaker and a formula category, which formulas each document used.

All of it is SQL over DuckDB, so it stays fast on a store of a million events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

PERIODS = ("day", "week", "month")


def _span(since: date | None, until: date | None, column: str = "date") -> tuple[str, list]:
    """ " AND column >= ? AND column <= ?" for the dates given, to append to a WHERE clause."""
    from parley.store import date_span

    clauses, params = date_span(since, until, column)
    return "".join(f" AND {c}" for c in clauses), params


def dyad_series(
    con,
    source: str,
    target: str,
    by: str = "month",
    normalise: bool = False,
    since: date | None = None,
    until: date | None = None,
) -> list[dict]:
    """One row per period with events of source -> target (periods without events are left out)."""
    if by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}")
    extra, params = _span(since, until)
    rows = con.execute(
        f"""SELECT CAST(date_trunc('{by}', date) AS DATE) AS period, count(*) AS events,
            count(*) FILTER (WHERE quad_class = 1) AS q1, count(*) FILTER (WHERE quad_class = 2) AS q2,
            count(*) FILTER (WHERE quad_class = 3) AS q3, count(*) FILTER (WHERE quad_class = 4) AS q4,
            sum(goldstein) AS goldstein_sum, avg(goldstein) AS goldstein_mean,
            avg(plover_score) AS plover_mean, sum(mentions) AS mentions
        FROM events WHERE source_country = ? AND target_country = ? AND date IS NOT NULL{extra}
        GROUP BY 1 ORDER BY 1""",
        [source, target, *params],
    ).fetchall()
    volume = _volume(con, by) if normalise else {}
    out = []
    for period, events, q1, q2, q3, q4, g_sum, g_mean, p_mean, mentions in rows:
        record = {
            "period": period.isoformat() if period else None,
            "events": events,
            "quad": {"1": q1, "2": q2, "3": q3, "4": q4},
            "goldstein_sum": round(g_sum, 3),
            "goldstein_mean": round(g_mean, 3),
            "plover_mean": round(p_mean, 3),
            "mentions": int(mentions or 0),
        }
        if normalise:
            documents = volume.get(period, 0)
            record["documents"] = documents
            record["events_per_100_documents"] = round(100 * events / documents, 3) if documents else None
        out.append(record)
    return out


def _volume(con, by: str) -> dict:
    """Stored documents per period (by publication date): the reporting volume."""
    return dict(
        con.execute(
            f"SELECT CAST(date_trunc('{by}', published) AS DATE), count(*) FROM documents "
            "WHERE published IS NOT NULL GROUP BY 1"
        ).fetchall()
    )


@dataclass
class Alert:
    source: str
    target: str
    week: date
    score: float
    baseline: float
    z: float
    direction: str
    events: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "week": self.week.isoformat(),
            "mean_score": round(self.score, 3),
            "baseline": round(self.baseline, 3),
            "z": round(self.z, 2),
            "direction": self.direction,
            "events": self.events,
        }


def shifts(
    con,
    dyad: tuple[str, str] | None = None,
    baseline_weeks: int = 12,
    threshold: float = 3.0,
    min_history: int = 6,
    top_dyads: int = 50,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[Alert]:
    """Weeks where a dyad's mean PLOVER score departs from the previous weeks' median by more than
    `threshold` robust z-scores (|x - median| / (1.4826 * MAD)); newest first."""
    extra, params = _span(since, until)
    weekly_extra, _ = _span(since, until, "e.date")
    if dyad:
        chosen = "SELECT ? AS source_country, ? AS target_country"
        chosen_params: list = list(dyad)
    else:
        chosen = (
            "SELECT source_country, target_country FROM events WHERE target_country IS NOT NULL "
            f"AND source_country <> target_country AND date IS NOT NULL{extra} "
            "GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT ?"
        )
        chosen_params = [*params, top_dyads]
    # one pass in SQL: weekly means, then the median and MAD of each dyad's previous weeks
    rows = con.execute(
        f"""WITH chosen AS ({chosen}),
        weekly AS (
            SELECT e.source_country, e.target_country, CAST(date_trunc('week', e.date) AS DATE) AS week,
                avg(e.plover_score) AS score
            FROM events e JOIN chosen USING (source_country, target_country)
            WHERE e.date IS NOT NULL{weekly_extra}
            GROUP BY 1, 2, 3
        ),
        scored AS (
            SELECT *, median(score) OVER history AS baseline, mad(score) OVER history AS spread,
                count(*) OVER history AS n
            FROM weekly
            WINDOW history AS (
                PARTITION BY source_country, target_country ORDER BY week
                RANGE BETWEEN INTERVAL (?) WEEK PRECEDING AND INTERVAL 1 DAY PRECEDING)
        )
        SELECT source_country, target_country, week, score, baseline,
            (score - baseline) / CASE WHEN spread > 0 THEN 1.4826 * spread ELSE 0.5 END AS z
        FROM scored WHERE n >= ?""",
        [*chosen_params, *params, baseline_weeks, min_history],
    ).fetchall()
    alerts = [
        Alert(source, target, week, score, baseline, z, "warmer" if z > 0 else "cooler")
        for source, target, week, score, baseline, z in rows
        if abs(z) >= threshold
    ]
    alerts.sort(key=lambda a: (a.week, abs(a.z), a.source, a.target), reverse=True)
    alerts = alerts[:limit] if limit else alerts
    for alert in alerts:
        alert.events = _drivers(con, alert)
    return alerts


def _drivers(con, alert: Alert, limit: int = 5) -> list[dict]:
    """The events of the alert's week that pulled the score its way."""
    order = "DESC" if alert.direction == "warmer" else "ASC"
    rows = con.execute(
        f"""SELECT event_id, date, event_type, plover_score, quote, mentions FROM events
        WHERE source_country = ? AND target_country = ? AND date >= ? AND date < ?
        ORDER BY plover_score {order}, mentions DESC, event_id LIMIT ?""",
        [alert.source, alert.target, alert.week, alert.week + timedelta(days=7), limit],
    ).fetchall()
    return [
        {
            "event_id": r[0],
            "date": r[1].isoformat() if r[1] else None,
            "event_type": r[2],
            "plover_score": r[3],
            "quote": r[4],
            "mentions": r[5],
        }
        for r in rows
    ]


def network(con, since: date | None = None, until: date | None = None, min_events: int = 1):
    """A networkx DiGraph of countries; edges carry `weight` (events), `score` (mean PLOVER score)
    and `color` (red for conflict through grey to green for cooperation)."""
    import networkx as nx

    extra, params = _span(since, until)
    rows = con.execute(
        f"""SELECT source_country, target_country, count(*), avg(plover_score), avg(goldstein)
        FROM events WHERE target_country IS NOT NULL AND source_country <> target_country{extra}
        GROUP BY 1, 2 HAVING count(*) >= ? ORDER BY 1, 2""",
        [*params, min_events],
    ).fetchall()
    graph = nx.DiGraph()
    for source, target, count, score, goldstein in rows:
        graph.add_edge(
            source,
            target,
            weight=int(count),
            score=round(float(score), 3),
            goldstein=round(float(goldstein), 3),
            color=score_colour(score),
        )
    for node in graph.nodes:
        graph.nodes[node]["events"] = int(graph.out_degree(node, weight="weight"))
    return graph


def score_colour(score: float) -> str:
    """-10 (red) .. 0 (grey) .. +10 (green) as #rrggbb."""
    t = max(-1.0, min(1.0, score / 10))
    grey = (150, 150, 150)
    end = (200, 30, 30) if t < 0 else (30, 150, 60)
    mix = [round(g + (e - g) * abs(t)) for g, e in zip(grey, end, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def write_gexf(graph, path) -> None:
    import networkx as nx

    nx.write_gexf(graph, str(path))


def formula_timeline(
    con, speaker: str | None = None, category: str | None = None, formula_id: str | None = None
) -> list[dict]:
    """Formula hits by document in date order, for a speaker (country code, actor id or issuer text)
    and a formula category or a single formula."""
    where, params = ["TRUE"], []
    if speaker:
        where.append("(h.speaker_country = ? OR h.speaker_actor_id = ? OR d.issuer ILIKE ?)")
        params += [speaker, speaker, f"%{speaker}%"]
    if category:
        where.append("h.category = ?")
        params.append(category)
    if formula_id:
        where.append("h.formula_id = ?")
        params.append(formula_id)
    rows = con.execute(
        f"""SELECT d.doc_id, d.published, d.title, h.formula_id, h.category, h.status, h.text,
            h.speaker_country, h.char_start, h.char_end
        FROM formula_hits h JOIN documents d USING (doc_id)
        WHERE {" AND ".join(where)} ORDER BY d.published NULLS LAST, d.doc_id, h.char_start""",
        params,
    ).fetchall()
    return [
        {
            "doc_id": r[0],
            "date": r[1].isoformat() if r[1] else None,
            "title": r[2],
            "formula_id": r[3],
            "category": r[4],
            "status": r[5],
            "text": r[6],
            "speaker": r[7],
            "char_start": r[8],
            "char_end": r[9],
        }
        for r in rows
    ]
