"""A synthetic load for the dashboard benchmark: a store with many canonical events, made in SQL.

The events are random but shaped like real data: 40 countries with a few busy dyads, all sixteen
PLOVER types with their scores, dates over 25 years, one document and one mention per event. They
are not reproducible row for row (DuckDB's random() runs in parallel), only in shape.
`python -m parley.synthetic DB N` fills a file; `parley bench` uses it for the API timings.
"""

from __future__ import annotations

import sys
import time

from parley.store import Store

COUNTRIES = [
    "USA", "PRK", "KOR", "JPN", "CHN", "RUS", "UKR", "IRN", "ISR", "IND", "PAK", "TUR", "GBR", "FRA",
    "DEU", "SAU", "EGY", "SYR", "IRQ", "AFG", "VNM", "PHL", "TWN", "AUS", "CAN", "MEX", "BRA", "VEN",
    "CUB", "ETH", "NGA", "ZAF", "POL", "BLR", "GRC", "ARM", "AZE", "QAT", "ARE", "UNO",
]  # fmt: skip
TYPES = [
    ("AGREE", "030", 4.0, 1, 4.0), ("CONSULT", "040", 1.0, 1, 2.5), ("SUPPORT", "051", 3.5, 1, 4.0),
    ("COOPERATE", "061", 6.0, 2, 6.0), ("AID", "070", 7.0, 2, 7.0), ("RETREAT", "081", 5.0, 2, 5.0),
    ("REQUEST", "100", -5.0, 3, -2.0), ("ACCUSE", "111", -2.0, 3, -3.5), ("REJECT", "120", -4.0, 3, -4.0),
    ("THREATEN", "130", -4.4, 3, -6.0), ("PROTEST", "141", -6.5, 3, -5.0), ("SANCTION", "163", -8.0, 4, -7.0),
    ("MOBILIZE", "150", -7.2, 4, -6.5), ("COERCE", "170", -7.0, 4, -7.5), ("ASSAULT", "190", -10.0, 4, -9.0),
    ("CONCEDE", "080", 5.0, 2, 4.5),
]  # fmt: skip


def load(store: Store, count: int) -> float:
    """Add `count` synthetic events (with documents and mentions) to the store; returns seconds."""
    started = time.perf_counter()
    con = store.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE syn_countries AS "
        "SELECT unnest(?::VARCHAR[]) AS c, unnest(range(?)) AS i",
        [COUNTRIES, len(COUNTRIES)],
    )
    columns = list(zip(*TYPES, strict=True))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE syn_types AS SELECT unnest(?::VARCHAR[]) AS t, "
        "unnest(?::VARCHAR[]) AS cameo, "
        "unnest(?::DOUBLE[]) AS goldstein, unnest(?::INTEGER[]) AS quad, unnest(?::DOUBLE[]) AS score, "
        "unnest(range(?)) AS i",
        [*map(list, columns), len(TYPES)],
    )
    n_countries = len(COUNTRIES)
    # busy dyads: half of the events fall among the first eight countries
    pick = f"CAST(floor(CASE WHEN random() < 0.5 THEN random() * 8 ELSE random() * {n_countries} END) AS INT)"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE syn AS SELECT r AS n,
            {pick} AS s, {pick} AS t,
            CAST(floor(random() * {len(TYPES)}) AS INTEGER) AS k,
            DATE '2000-01-01' + CAST(floor(random() * 9497) AS INTEGER) AS day
        FROM range(?) AS g(r)""",
        [count],
    )
    con.execute("BEGIN TRANSACTION")
    con.execute(
        """INSERT INTO documents (doc_id, text, title, url, published, n_events, publisher, content_hash,
            story_id)
        SELECT 'syn-' || n, 'Synthetic report ' || n, 'Synthetic ' || n, 'https://synthetic.test/' || n,
            day, 1, 'Synthetic Wire ' || (n % 50), 'syn' || n, 'syn-' || n FROM syn"""
    )
    columns = """'syn-' || n, 0, 0, 40, sc.c || ' and ' || tc.c || ' synthetic ' || ty.t || ' ' || n, ty.t,
        NULL, [], ty.cameo, ty.goldstein, ty.quad, ty.score,
        sc.c, sc.c, sc.c, sc.c, 'GOV', sc.c, tc.c, tc.c, tc.c, tc.c, 'GOV', tc.c,
        day, 'day', NULL, 0.9, 'synthetic'"""
    source = f"""FROM syn JOIN syn_countries sc ON sc.i = syn.s
        JOIN syn_countries tc
            ON tc.i = (CASE WHEN syn.t = syn.s THEN (syn.t + 1) % {n_countries} ELSE syn.t END)
        JOIN syn_types ty ON ty.i = syn.k"""
    con.execute(
        f"""INSERT INTO mentions SELECT 'synm-' || n, {columns},
            sc.c || '|' || tc.c || '|' || ty.t, 'evsyn' || lpad(CAST(n AS VARCHAR), 14, '0'),
            'first report: synthetic', false, true, false {source}"""
    )
    con.execute(
        f"""INSERT INTO events SELECT 'evsyn' || lpad(CAST(n AS VARCHAR), 14, '0'), 9000000000 + n,
            sc.c || '|' || tc.c || '|' || ty.t, {columns}, 1, 1, 1, 1, day, day,
            'https://synthetic.test/' || n, now() {source}"""
    )
    con.execute("COMMIT")
    for table in ("syn", "syn_types", "syn_countries"):
        con.execute(f"DROP TABLE {table}")
    return time.perf_counter() - started


def main(argv: list[str]) -> int:  # pragma: no cover - a convenience for people, tested through load
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python -m parley.synthetic DB.duckdb COUNT", file=sys.stderr)
        return 2
    with Store(argv[0]) as store:
        seconds = load(store, int(argv[1]))
    print(f"added {argv[1]} synthetic events to {argv[0]} in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
