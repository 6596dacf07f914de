"""Entry point for spark-submit: `spark-submit ... parley/spark_submit.py INPUT... OUTPUT`."""

from __future__ import annotations

import sys

from parley.spark import run, session


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: spark_submit.py INPUT... OUTPUT", file=sys.stderr)
        return 2
    *inputs, output = argv
    spark = session(master="local[2]") if "--local" in inputs else None
    inputs = [i for i in inputs if i != "--local"]
    if spark is None:
        from pyspark.sql import SparkSession

        spark = SparkSession.builder.appName("parley").getOrCreate()  # master from spark-submit
    report = run(inputs, output, spark=spark)
    for error in report.errors:
        print(f"parley: skipped {error}", file=sys.stderr)
    print(f"coded {report.documents} documents, {report.mentions} mentions, {len(report.errors)} bad rows")
    spark.stop()
    return 1 if report.errors else 0


if __name__ == "__main__":  # pragma: no cover - run by spark-submit
    raise SystemExit(main(sys.argv[1:]))
