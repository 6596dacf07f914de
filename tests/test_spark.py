"""The coder on Spark local[2] (the machine's Java 17) gives the local run's mentions, row for row."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from parley import exports, service
from parley.store import Store

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java"),
]

DOCS = [
    {"id": "s1", "date": "2018-06-13", "url": "https://wire.example/s1", "publisher": "Wire One",
     "text": "Donald Trump met Kim Jong Un in Singapore on Tuesday. The two men signed a statement."},
    {"id": "s2", "date": "2018-06-13", "url": "https://paper.example/s2", "publisher": "Daily Paper",
     "text": "Donald Trump met Kim Jong Un in Singapore on Tuesday. The two men signed a statement. "
     "Markets rose."},
    {"id": "s3", "date": "2021-03-18", "title": "Sanctions",
     "text": "The United States imposed sanctions on North Korea on Thursday. Japan's foreign ministry "
     "criticized China over the coast guard law."},
    {"id": "s4", "date": "2020-06-12",
     "text": "Donald Trump met Kim Jong Un in June 2018. Talks stalled later."},
    {"id": "s5", "text": "Russia condemned the sanctions, the Kremlin said."},
]  # fmt: skip


@pytest.fixture(scope="module")
def spark():
    from parley.spark import session

    spark = session("local[2]", "parley-tests")
    yield spark
    spark.stop()


def _rows(folder) -> list[tuple]:
    con = duckdb.connect()
    frame = con.execute(
        "SELECT * EXCLUDE (contexts), list_sort(contexts) AS contexts "
        f"FROM read_parquet('{folder}/**/*.parquet', hive_partitioning=false) ORDER BY event_key"
    )
    return frame.fetchall(), [c[0] for c in frame.description]


def test_spark_output_equals_the_local_run(spark, tmp_path, parley):
    from parley.spark import run

    source = tmp_path / "docs.jsonl"
    lines = [json.dumps(d) for d in DOCS]
    lines.insert(2, '{"id": "broken", "text": ')  # a malformed row: skipped and counted, not fatal
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run([str(source)], str(tmp_path / "spark"), spark=spark)
    assert report.documents == len(DOCS) and len(report.errors) == 1
    assert f"{source}:3" in report.errors[0] and "P005" in report.errors[0]

    with Store(tmp_path / "local.duckdb") as store:
        service.ingest([str(source)], store, parley=parley)
        exports.export(store, "parquet", tmp_path / "local")
    spark_rows, spark_columns = _rows(tmp_path / "spark")
    local_rows, local_columns = _rows(tmp_path / "local" / "mentions")
    assert spark_columns == local_columns
    assert len(spark_rows) == report.mentions and spark_rows == local_rows
    assert {r[spark_columns.index("event_id")] for r in spark_rows}  # grouped into canonical events
