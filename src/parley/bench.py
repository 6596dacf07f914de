"""`parley bench`: end-to-end throughput against a bare spaCy parse, measured in the same run.

The corpus is built deterministically from `data/bench/paragraphs.jsonl`: 601 news paragraphs the
team wrote (a fifth diplomacy, the rest economy, business, politics, sport, science, weather,
culture, crime and quotes), drawn two to five at a time into documents, plus one demo article in
ten. Most sentences hold no event, as in real wire copy.
"""

from __future__ import annotations

import json
import random
import re
import resource
import tempfile
import time
from functools import cache
from pathlib import Path

from parley.demo import demo_corpus

PARAGRAPHS = Path(__file__).parent / "data" / "bench" / "paragraphs.jsonl"
_SENTENCE_END = re.compile(r"[.!?][\"\u201d]?(?:\s|$)")


@cache
def _paragraphs() -> list[tuple[str, int]]:
    """(text, approximate sentence count) of each bench paragraph."""
    out = []
    for line in PARAGRAPHS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            text = json.loads(line)["text"]
            out.append((text, max(1, len(_SENTENCE_END.findall(text)))))
    return out


def make_corpus(sentences: int, seed: int = 7) -> list[dict]:
    """Deterministic news-style documents totalling about `sentences` sentences."""
    rng = random.Random(seed)
    paragraphs = _paragraphs()
    demo = [
        json.loads(line) for line in demo_corpus().read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    documents, total, number = [], 0, 0
    while total < sentences:
        number += 1
        if number % 10 == 0:  # one document in ten is a demo article
            text = demo[number // 10 % len(demo)]["text"]
            count = max(1, len(_SENTENCE_END.findall(text)))
        else:
            chosen = rng.sample(paragraphs, rng.randint(2, 5))
            text = "\n\n".join(t for t, _ in chosen)
            count = sum(n for _, n in chosen)
        documents.append(
            {
                "id": f"bench-{number:06d}",
                "date": f"20{rng.randint(17, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "text": text,
            }
        )
        total += count
    return documents


def count_sentences(nlp, texts: list[str]) -> int:
    return sum(len(list(doc.sents)) for doc in nlp.pipe(texts, batch_size=64))


def run_bench(sentences: int = 50000, workers: list[int] | None = None) -> str:
    """Run every measurement and return the report."""
    from parley import service
    from parley.pipeline import Parley, load_nlp
    from parley.store import Store

    workers = workers or [1, 2]
    corpus = make_corpus(sentences)
    texts = [d["text"] for d in corpus]
    lines = [f"corpus: {len(corpus)} documents, {sum(len(t) for t in texts) / 1e6:.1f} MB"]
    nlp = load_nlp(stock=True)  # the baseline: spaCy's own pipeline, no NER
    started = time.perf_counter()
    n_sentences = count_sentences(nlp, texts)
    bare = {1: n_sentences / (time.perf_counter() - started)}
    lines.append(f"sentences (spaCy's segmentation): {n_sentences}")
    for n in workers:
        if n > 1:
            started = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=64, n_process=n):
                pass
            bare[n] = n_sentences / (time.perf_counter() - started)
    lines.extend(_formula_lines(corpus, n_sentences, bare[1]))
    parley = Parley()
    parley.coder  # noqa: B018 - load outside the timed region, as the bare parse does
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in corpus), encoding="utf-8")
        prefilter_lines: list[str] = []
        fast = Parley(prefilter=True)
        fast.prefilter  # noqa: B018 - build the model, coder and prefilter outside the timed region
        passed = _pass_rate(fast, texts)
        for n in workers:
            with Store(Path(folder) / f"bench-{n}-plain.duckdb") as store:
                store.dedup = False  # the same ingest without near-duplicates and grouping
                started = time.perf_counter()
                service.ingest([str(path)], store, workers=n, parley=parley)
                plain = time.perf_counter() - started
            with Store(Path(folder) / f"bench-{n}.duckdb") as store:
                started = time.perf_counter()
                report = service.ingest([str(path)], store, workers=n, parley=parley)
                elapsed = time.perf_counter() - started
                canonical = store.counts()["events"]
                dedup = dict(store.timings)
            rate = n_sentences / elapsed
            lines.append(
                f"end-to-end, {n} process(es): {rate:,.0f} sentences/s ({report.events} mentions stored, "
                f"{canonical} canonical events, {elapsed:.1f} s); bare spaCy parse, {n} process(es): "
                f"{bare[n]:,.0f} sentences/s; ratio {rate / bare[n]:.2f}"
            )
            keys = _mention_keys(Path(folder) / f"bench-{n}.duckdb")
            with Store(Path(folder) / f"bench-{n}-prefilter.duckdb") as store:
                started = time.perf_counter()
                service.ingest([str(path)], store, workers=n, parley=fast)
                quick = time.perf_counter() - started
            fast_keys = _mention_keys(Path(folder) / f"bench-{n}-prefilter.duckdb")
            events, fast_events = _event_keys(keys), _event_keys(fast_keys)
            prefilter_lines.append(
                f"end-to-end with --prefilter, {n} process(es): {n_sentences / quick:,.0f} sentences/s "
                f"(ratio to the bare parse {n_sentences / quick / bare[n]:.2f}); {passed:.0%} of sentences "
                f"parsed; {len(events - fast_events)} of {len(events)} events (document, type, source) "
                f"lost and {len(fast_events - events)} new; {len(keys - fast_keys)} of {len(keys)} mentions "
                f"differ in offsets or actors"
            )
            lines.append(
                f"  dedup: the same ingest without it took {plain:.1f} s, so dedup adds "
                f"{elapsed / plain - 1:+.1%} (inside the run: near-duplicate documents "
                f"{dedup['near-duplicates']:.2f} s, grouping mentions {dedup['grouping']:.2f} s)"
            )
        lines.extend(prefilter_lines)
        lines.extend(_spark_lines(path, Path(folder), n_sentences, bare))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines.append(
        f"peak RSS of the ingests: {own:,.0f} MB (main process), {children:,.0f} MB (largest worker)"
    )
    lines.extend(_api_lines())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak RSS with the million-event store open: {own:,.0f} MB (main process)")
    return "\n".join(lines)


def _formula_lines(corpus: list[dict], n_sentences: int, bare: float) -> list[str]:
    """Formula matching alone, with and without speakers, against the one-process bare parse."""
    from parley.formulas import FormulaFinder
    from parley.models import Document

    finder = FormulaFinder()
    finder.matcher  # noqa: B018 - build the speaker matcher outside the timed region
    documents = [Document(text=d["text"]) for d in corpus]
    lines = []
    for speakers in (False, True):
        started = time.perf_counter()
        hits = sum(len(finder.find(d, speakers=speakers)) for d in documents)
        rate = n_sentences / (time.perf_counter() - started)
        lines.append(
            f"formulas {'with' if speakers else 'without'} speakers, 1 process: {rate:,.0f} sentences/s "
            f"({hits} hits); ratio to the bare parse {rate / bare:.1f}"
        )
    return lines


def _spark_lines(path: Path, folder: Path, n_sentences: int, bare: dict) -> list[str]:
    """The same corpus on Spark local[2], with and without the session start-up."""
    try:
        from parley.spark import run, session
    except ImportError:  # pragma: no cover - pyspark is an optional extra
        return ["spark: pyspark is not installed (pip install .[spark])"]
    started = time.perf_counter()
    spark = session("local[2]", "parley-bench")
    up = time.perf_counter() - started
    try:
        begun = time.perf_counter()
        report = run([str(path)], str(folder / "spark-out"), spark=spark)
        work = time.perf_counter() - begun
    finally:
        spark.stop()
    total = up + work
    return [
        f"spark local[2]: {n_sentences / total:,.0f} sentences/s with start-up ({total:.1f} s, of which "
        f"{up:.1f} s starting the session), {n_sentences / work:,.0f} sentences/s without; "
        f"{report.mentions} mentions; ratio to the {max(bare)}-process bare parse "
        f"{n_sentences / work / bare[max(bare)]:.2f}"
    ]


def _mention_keys(path: Path) -> set[tuple]:
    """Mentions as (document, sentence, type, offsets, source, target), to compare two runs."""
    from parley.store import Store

    with Store(path, read_only=True) as store:
        return set(
            store.query(
                "SELECT doc_id, sentence, event_type, char_start, char_end, source_actor_id, "
                "target_actor_id FROM mentions"
            )
        )


def _event_keys(mentions: set[tuple]) -> set[tuple]:
    """(document, type, source): whether an actor's event was found at all, wherever and with
    whatever target. (Sentence numbers differ between the runs: with the prefilter they count the
    rule-based sentences, without it the parser's.)"""
    return {(key[0], key[2], key[5]) for key in mentions}


def _pass_rate(parley, texts: list[str]) -> float:
    segments = [s for text in texts for s in parley.prefilter.segments(text)]
    return sum(s.passes for s in segments) / max(1, len(segments))


API_EVENTS = 1_000_000
API_PAGES = {
    "overview page": "/",
    "dyad series (API, by month)": "/api/dyads/USA-PRK/series?by=month",
    "dyad page": "/dyads/USA-PRK",
    "events of a dyad (API)": "/api/events?dyad=USA-PRK",
    "shift alerts (API)": "/api/alerts",
}


def _api_lines(events: int = API_EVENTS, repeats: int = 9) -> list[str]:
    """Median answer times through the in-process client, on a store of a million synthetic events."""
    import statistics
    import warnings

    from parley import synthetic
    from parley.server import create_app
    from parley.store import Store

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    lines = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "api.duckdb"
        with Store(path) as store:
            seconds = synthetic.load(store, events)
        client = TestClient(create_app(path))
        lines.append(f"API on {events:,} synthetic events (loaded in {seconds:.1f} s), median of {repeats}:")
        for name, url in API_PAGES.items():
            client.get(url)  # warm
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            lines.append(f"  {name}: {statistics.median(times) * 1000:,.0f} ms")
        client.app.state.db.close()
    return lines


def write_big_file(path: Path, gigabytes: float, seed: int = 11) -> int:
    """A JSONL file of about `gigabytes`, documents drawn from the bench paragraphs; its count."""
    rng = random.Random(seed)
    paragraphs = [text for text, _ in _paragraphs()]
    target, written, number = int(gigabytes * 1e9), 0, 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < target:
            lines = []
            for _ in range(1000):
                number += 1
                text = "\n\n".join(rng.sample(paragraphs, rng.randint(2, 5)))
                day = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                lines.append(json.dumps({"id": f"big-{number:08d}", "date": day, "text": text}) + "\n")
            chunk = "".join(lines)
            handle.write(chunk)
            written += len(chunk.encode("utf-8"))
    return number


def _tree_rss(pid: int) -> dict[int, int]:
    """{pid: resident kB} of a process and its descendants, from /proc."""
    out, stack = {}, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                out[current] = int(line.split()[1])
        stack.extend(int(c) for c in children)
    return out


def _watch(command: list[str], seconds: float, every: float = 5.0) -> tuple[list[tuple], float, bool]:
    """Run a command for at most `seconds` (then kill it, as a user would), sampling the RSS of its
    process tree: [(elapsed s, main kB, largest child kB, total kB)], the time it ran, and whether
    it had to be killed."""
    import subprocess

    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples = []
    while process.poll() is None and time.perf_counter() - started < seconds:
        time.sleep(every)
        tree = _tree_rss(process.pid)
        if tree:
            main = tree.get(process.pid, 0)
            children = [kb for pid, kb in tree.items() if pid != process.pid]
            samples.append(
                (time.perf_counter() - started, main, max(children, default=0), sum(tree.values()))
            )
    killed = process.poll() is None
    if killed:
        process.kill()  # a killed run, as `--resume` is meant for
    process.wait()
    return samples, time.perf_counter() - started, killed


def run_memory(
    gigabytes: float = 5.0,
    minutes: float = 10.0,
    workers: int = 2,
    folder: str | None = None,
    resume_seconds: float = 60.0,
    every: float = 5.0,
) -> str:
    """Peak RSS of `parley ingest --prefilter` over a generated JSONL file of `gigabytes`: run for
    at most `minutes` and killed, then resumed for a minute. The file is deleted afterwards."""
    import shutil
    import sys

    from parley.store import Store

    parley_command = str(Path(sys.executable).parent / "parley")
    lines = []
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        big, db = Path(scratch) / "big.jsonl", Path(scratch) / "big.duckdb"
        started = time.perf_counter()
        count = write_big_file(big, gigabytes)
        size = big.stat().st_size
        lines.append(
            f"generated {size / 1e9:.2f} GB, {count:,} documents, in {time.perf_counter() - started:.0f} s "
            f"(free disk after: {shutil.disk_usage(scratch).free / 1e9:.0f} GB)"
        )
        ingest = [
            parley_command,
            "ingest",
            str(big),
            "--db",
            str(db),
            "--workers",
            str(workers),
            "--prefilter",
        ]
        for label, command, seconds in (
            ("ingest", ingest, minutes * 60),
            ("ingest --resume", [*ingest, "--resume"], resume_seconds),
        ):
            samples, ran, killed = _watch(command, seconds, every)
            with Store(db, read_only=True) as store:
                [(documents, distinct)] = store.query(
                    "SELECT count(*), count(DISTINCT doc_id) FROM documents"
                )
                [(checkpoint,)] = store.query("SELECT coalesce(max(line), 0) FROM ingest_checkpoints")
            if not samples:
                lines.append(f"{label}: no RSS sample was taken")
                continue
            main, worker, total = (max(s[k] for s in samples) / 1024 for k in (1, 2, 3))
            early = next((s for s in samples if s[0] >= 60), samples[0])
            lines.append(
                f"{label}: ran {ran:.0f} s, {'killed' if killed else 'finished'}; "
                f"{documents:,} documents stored "
                f"({distinct:,} distinct ids), checkpoint at line {checkpoint:,} of {count:,}; "
                f"peak RSS main {main:,.0f} MB, largest worker {worker:,.0f} MB, all processes "
                f"{total:,.0f} MB; all processes at {early[0]:.0f} s {early[3] / 1024:,.0f} MB, "
                f"at {samples[-1][0]:.0f} s {samples[-1][3] / 1024:,.0f} MB"
            )
        lines.append(f"the {size / 1e9:.2f} GB file and the store are deleted")
    return "\n".join(lines)
