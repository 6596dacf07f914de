"""`parley spark code INPUT OUTPUT`: the same coder on Spark, writing the local run's mention schema.

Stages:
1. Read JSONL (line by line, each line keeping its file and line number) or Parquet documents.
2. `mapPartitions`: each partition loads the pipeline once and codes its documents with the very
   code the local run uses; a malformed row becomes an error record (file and line or row), not a
   failed job.
3. Near-duplicate stories: signatures are computed on the executors; stories are assigned on the
   driver in reading order, as the local ingest assigns them (this collects 96 integers per
   document to the driver: the seam to replace with a distributed LSH join at larger scale).
4. Grouping: mentions are keyed by their block (countries and type), and each block is grouped on
   an executor with `parley.dedup.group`, the local rules.
5. The mentions are written as Parquet partitioned by year and month, in the schema of
   `parley export --format parquet` (its `mentions/` folder).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from parley.errors import ParleyError

MENTION_FIELDS = [
    ("event_key", "string"), ("doc_id", "string"), ("sentence", "int"), ("char_start", "int"),
    ("char_end", "int"), ("quote", "string"), ("event_type", "string"), ("mode", "string"),
    ("contexts", "array<string>"), ("cameo", "string"), ("goldstein", "double"), ("quad_class", "int"),
    ("plover_score", "double"), ("source_text", "string"), ("source_actor_id", "string"),
    ("source_name", "string"), ("source_country", "string"), ("source_sector", "string"),
    ("source_cameo", "string"), ("target_text", "string"), ("target_actor_id", "string"),
    ("target_name", "string"), ("target_country", "string"), ("target_sector", "string"),
    ("target_cameo", "string"), ("date", "date"), ("date_precision", "string"), ("date_text", "string"),
    ("confidence", "double"), ("rule", "string"), ("event_id", "string"), ("link", "string"),
    ("background", "boolean"), ("url", "string"), ("title", "string"), ("publisher", "string"),
    ("published", "date"), ("year", "int"), ("month", "int"),
]  # fmt: skip


@dataclass
class SparkReport:
    documents: int = 0
    mentions: int = 0
    errors: list[str] = field(default_factory=list)


def session(master: str = "local[2]", app: str = "parley"):
    """A Spark session whose Python workers run this interpreter (and so this install of Parley)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.session.timeZone", "UTC")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ------------------------------------------------------------------ executors
_PIPELINE = None


def _pipeline():
    """One pipeline per Python worker process, loaded on first use and kept across partitions."""
    global _PIPELINE
    if _PIPELINE is None:
        from parley.pipeline import Parley

        _PIPELINE = Parley()
        _PIPELINE.coder  # noqa: B018
    return _PIPELINE


def code_partition(rows):
    """(path, line, raw JSON text) rows -> ("doc", ...), ("mention", ...) and ("error", ...) records."""
    from parley.dedup import neardup
    from parley.ingest import parse_jsonl_line
    from parley.store import mention_rows

    documents = []
    for path, number, raw in rows:
        try:
            documents.append(parse_jsonl_line(raw.encode("utf-8"), path, number, None))
        except ParleyError as error:
            yield ("error", (path, number, str(error)))
    if not documents:
        return
    parley = _pipeline()
    for coded in parley.code_batch(documents):
        if isinstance(coded, ParleyError):
            yield ("error", (coded.path, coded.line, str(coded)))
            continue
        document = coded.document
        path, _, line = (document.source or "").rpartition(":")
        signature = [int(v) for v in neardup.signature(document.text)]
        yield (
            "doc",
            (path, int(line or 0), document.id, document.published, document.url, document.title,
             document.publisher, signature),
        )  # fmt: skip
        for row in mention_rows(coded.events):
            yield ("mention", (document.id, row))


def group_block(item, published, stories):
    """All mentions of one block -> the same records with event_id, link and background."""
    from parley.dedup import Mention, group
    from parley.store.schema import MENTION_ROW_COLUMNS

    _, rows = item
    rows = list(rows)
    mentions = []
    for doc_id, row in rows:
        record = dict(zip(MENTION_ROW_COLUMNS, row, strict=True))
        day = date.fromisoformat(record["date"]) if record["date"] else None
        mentions.append(
            Mention(
                record["event_key"], record["block"], doc_id, record["char_start"], record["quote"], day,
                record["date_precision"], record["date_text"] is not None, published.value.get(doc_id),
                stories.value.get(doc_id, doc_id), record["source_sector"], record["target_sector"],
                record["date_text"], bool(record["date_earlier"]), record["sentence"],
            )
        )  # fmt: skip
    links = group(mentions)
    for (_, row), mention in zip(rows, mentions, strict=True):
        link = links[mention.key]
        yield row, link.event_id, link.reason, link.background


# ------------------------------------------------------------------ driver
def _lines(spark, inputs: list[str]):
    """(path, line number, text) for every non-blank line of every JSONL input, per file."""
    context = spark.sparkContext
    parts = []
    for path in inputs:
        numbered = context.textFile(path).zipWithIndex()
        parts.append(numbered.map(lambda pair, p=path: (p, pair[1] + 1, pair[0])))
    union = context.union(parts) if len(parts) > 1 else parts[0]
    return union.filter(lambda row: row[2].strip() != "")


def _parquet_rows(spark, path: str):
    """Parquet documents as JSONL-shaped rows, numbered by their row index."""
    frame = spark.read.parquet(path)
    names = frame.columns

    def to_json(pair):
        row, index = pair
        record = {n: (v.isoformat() if isinstance(v, date) else v) for n, v in zip(names, row, strict=True)}
        return (path, index + 1, json.dumps(record, default=str))

    return frame.rdd.zipWithIndex().map(to_json)


def run(inputs: list[str], output: str, master: str = "local[2]", partitions: int | None = None, spark=None):
    """Code documents on Spark and write mentions as Parquet partitioned by year and month."""
    from parley.dedup import neardup

    own = spark is None
    spark = spark or session(master)
    report = SparkReport()
    try:
        jsonl = [p for p in inputs if not p.endswith(".parquet") and not Path(p).is_dir()]
        parquet = [p for p in inputs if p not in jsonl]
        sources = []
        if jsonl:
            sources.append(_lines(spark, jsonl))
        sources += [_parquet_rows(spark, p) for p in parquet]
        rows = sources[0] if len(sources) == 1 else spark.sparkContext.union(sources)
        if partitions:
            rows = rows.repartition(partitions)
        records = rows.mapPartitions(code_partition).cache()
        report.errors = [
            f"{path or '?'}:{line or '?'}: {message}"
            for path, line, message in records.filter(lambda r: r[0] == "error").map(lambda r: r[1]).collect()
        ]
        rank = {path: i for i, path in enumerate(inputs)}
        documents = sorted(
            records.filter(lambda r: r[0] == "doc").map(lambda r: r[1]).collect(),
            key=lambda d: (rank.get(d[0], len(rank)), d[1]),
        )
        report.documents = len(documents)
        order = [d[2] for d in documents]  # reading order: file, then line
        signatures = {d[2]: d[7] for d in documents}
        bands = {doc_id: neardup.bands(sig) for doc_id, sig in signatures.items()}
        assigned = neardup.assign_stories(order, signatures, bands)
        stories = {doc_id: story for doc_id, (story, _) in assigned.items()}
        context = spark.sparkContext
        published = context.broadcast({d[2]: d[3] for d in documents})
        story_of = context.broadcast(stories)
        meta = context.broadcast({d[2]: (d[4], d[5], d[6], d[3]) for d in documents})
        mentions = records.filter(lambda r: r[0] == "mention").map(lambda r: r[1])
        linked = (
            mentions.map(lambda pair: (pair[1][-1], pair))
            .groupByKey()
            .flatMap(lambda item: group_block(item, published, story_of))
        )
        rows_out = linked.map(lambda item: _output_row(item, meta))
        frame = spark.createDataFrame(rows_out, _schema())
        frame.write.mode("overwrite").partitionBy("year", "month").parquet(output)
        report.mentions = spark.read.parquet(output).count()
    finally:
        if own:
            spark.stop()
    return report


def _output_row(item, meta):
    from parley.store.schema import MENTION_COLUMNS

    row, event_id, link, background = item
    record = dict(zip(MENTION_COLUMNS, row[: len(MENTION_COLUMNS)], strict=True))
    url, title, publisher, published = meta.value[record["doc_id"]]
    day = date.fromisoformat(record["date"]) if record["date"] else None
    values = [record[c] for c in MENTION_COLUMNS]
    values[MENTION_COLUMNS.index("date")] = day
    values[MENTION_COLUMNS.index("contexts")] = list(record["contexts"] or [])
    return (
        *values, event_id, link, bool(background), url, title, publisher, published,
        day.year if day else None, day.month if day else None,
    )  # fmt: skip


def _schema():
    from pyspark.sql.types import (
        ArrayType,
        BooleanType,
        DateType,
        DoubleType,
        IntegerType,
        StringType,
        StructField,
        StructType,
    )

    kinds = {
        "string": StringType(),
        "int": IntegerType(),
        "double": DoubleType(),
        "date": DateType(),
        "boolean": BooleanType(),
        "array<string>": ArrayType(StringType()),
    }
    return StructType([StructField(name, kinds[kind], True) for name, kind in MENTION_FIELDS])
