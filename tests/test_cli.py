"""The CLI contract: `parley code` output shape, stdin, bad documents, exit codes and the other commands."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import ACTOR_KEYS, CONTRACT_KEYS
from parley.cli import app

runner = CliRunner()


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_cli_code_prints_contract_jsonl_from_a_file(tmp_path):
    path = tmp_path / "a.txt"
    text = "The State Department condemned North Korea on Wednesday."
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["code", str(path), "--date", "2021-04-30", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    [event] = _jsonl(result.stdout)
    assert list(event) == CONTRACT_KEYS
    assert list(event["source"]) == ACTOR_KEYS and list(event["target"]) == ACTOR_KEYS
    assert text[event["char_start"] : event["char_end"]] == event["quote"]
    assert event["date"] == "2021-04-28" and event["date_text"] == "on Wednesday"
    assert isinstance(event["cameo"], str) and event["cameo"] == "111"


def test_cli_code_reads_plain_text_from_stdin():
    result = runner.invoke(
        app, ["code", "--format", "jsonl"], input="Japan protested to China over the incident."
    )
    assert result.exit_code == 0
    assert _jsonl(result.stdout)[0]["event_type"] == "ACCUSE"


def test_cli_code_reads_jsonl_from_stdin_with_offsets_into_the_text_field():
    lines = [
        {"id": "x1", "text": "Seoul and Tokyo held talks on Friday.", "date": "2021-05-28"},
        {"id": "x2", "text": "Nothing happens here."},
    ]
    result = runner.invoke(app, ["code", "--format", "jsonl"], input="\n".join(map(json.dumps, lines)))
    assert result.exit_code == 0
    events = _jsonl(result.stdout)
    assert {e["doc_id"] for e in events} == {"x1"}
    assert all(lines[0]["text"][e["char_start"] : e["char_end"]] == e["quote"] for e in events)


def test_cli_code_zero_events_still_exits_zero(tmp_path):
    path = tmp_path / "calm.txt"
    path.write_text("The weather was mild.", encoding="utf-8")
    result = runner.invoke(app, ["code", str(path), "--format", "jsonl"])
    assert result.exit_code == 0 and result.stdout == ""


def test_cli_code_reports_bad_documents_and_codes_the_rest(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("North Korea accused the United States of hostility.", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Russia expelled two Japanese diplomats."}\n{not json\n', encoding="utf-8")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x00\x00")
    result = runner.invoke(app, ["code", str(good), str(bad), str(binary), "--format", "jsonl"])
    assert result.exit_code == 1
    assert {e["event_type"] for e in _jsonl(result.stdout)} >= {"ACCUSE", "SANCTION"}
    assert f"{bad}, line 2" in result.stderr and str(binary) in result.stderr
    assert "Traceback" not in result.output


def test_cli_invalid_date_is_a_clear_usage_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["code", str(path), "--date", "2021-13-45"])
    assert result.exit_code == 2
    assert "P007" in result.stderr and "2021-13-45" in result.stderr and "Traceback" not in result.output


def test_cli_ingest_and_events_round_trip(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        '{"id": "a", "date": "2021-05-31", "text": "North Korea criticized the United States on Monday."}\n'
        '{"id": "b", "date": "2021-05-21", "text": "Joe Biden met Moon Jae-in at the White House."}\n'
        '{"id": "c", "text": ""}\n',
        encoding="utf-8",
    )
    db = tmp_path / "p.duckdb"
    first = runner.invoke(app, ["ingest", str(docs), "--db", str(db)])
    assert first.exit_code == 1 and "line 3" in first.stderr and "stored 2" in first.stderr
    again = runner.invoke(app, ["ingest", str(docs), "--db", str(db)])
    assert "stored 0" in again.stderr and "already stored 2" in again.stderr
    listed = runner.invoke(app, ["events", "--db", str(db), "--format", "jsonl"])
    events = _jsonl(listed.stdout)
    canonical = CONTRACT_KEYS + [
        "event_id",
        "mentions",
        "sources",
        "articles",
        "first_reported",
        "last_reported",
    ]
    assert events and all(list(e) == canonical for e in events)
    dyad = runner.invoke(app, ["events", "--db", str(db), "--dyad", "PRK-USA", "--format", "jsonl"])
    assert {(e["source"]["country"], e["target"]["country"]) for e in _jsonl(dyad.stdout)} == {("PRK", "USA")}
    csv_out = runner.invoke(app, ["events", "--db", str(db), "--type", "CONSULT", "--format", "csv"])
    assert (
        csv_out.stdout.splitlines()[0].startswith("doc_id,sentence") and len(csv_out.stdout.splitlines()) >= 2
    )
    table = runner.invoke(app, ["events", "--db", str(db), "--format", "table", "--since", "2021-05-30"])
    assert "ACCUSE" in table.stdout


def test_cli_db_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "env.duckdb"))
    docs = tmp_path / "d.txt"
    docs.write_text("China condemned Japan.", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(docs)]).exit_code == 0
    assert (tmp_path / "env.duckdb").exists()


def test_cli_events_rejects_a_malformed_dyad(tmp_path):
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "x.duckdb"), "--dyad", "PRKUSA"])
    assert result.exit_code == 2 and "SRC-TGT" in result.stderr


def test_cli_eval_prints_scores_for_a_gold_file(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "g1",
                "date": "2021-05-01",
                "text": "Japan condemned North Korea.",
                "events": [{"type": "ACCUSE", "source": "JPN", "target": "PRK"}],
            }
        )
        + "\n"
        + json.dumps({"id": "g2", "text": "It rained.", "events": []})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["eval", str(gold), "--format", "json"])
    assert result.exit_code == 0
    scores = json.loads(result.stdout)
    assert scores["f1"] == 1.0 and scores["per_type"]["ACCUSE"]["tp"] == 1
    text = runner.invoke(app, ["eval", str(gold)])
    assert "F1=1.000" in text.stdout and "confusion" in text.stdout


def test_cli_eval_reports_a_malformed_gold_file(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"id": "g1", "text": "x", "events": [{"type": "HUG"}]}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", str(gold)])
    assert result.exit_code == 2 and "P011" in result.stderr and "line 1" in result.stderr


@pytest.mark.slow
def test_cli_demo_summarises_the_bundled_corpus(tmp_path):
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "demo.duckdb")])
    assert result.exit_code == 0, result.output
    assert "Events by dyad" in result.stdout and "Example events with quotes" in result.stdout
    assert "0 errors" in result.stdout


@pytest.mark.slow
def test_bench_memory_ingests_a_generated_file_kills_it_and_resumes(tmp_path):
    """`parley bench --memory-gb`: the big-file RSS run, at a size a test can afford."""
    import re

    from parley.bench import run_memory

    report = run_memory(0.004, minutes=0.25, workers=1, folder=str(tmp_path), resume_seconds=60, every=1)
    lines = report.splitlines()
    assert lines[0].startswith("generated 0.00 GB")
    stored = r"; ([\d,]+) documents stored \(([\d,]+) distinct ids\), checkpoint at line ([\d,]+) of ([\d,]+)"
    first, resumed = (re.search(stored, line) for line in lines[1:3])
    assert lines[1].startswith("ingest: ran") and "killed" in lines[1] and "peak RSS main" in lines[1]
    assert lines[2].startswith("ingest --resume: ran") and "finished" in lines[2]
    count = lambda text: int(text.replace(",", ""))  # noqa: E731
    assert 0 < count(first[1]) < count(resumed[1])  # stopped part-way, then finished by the resumed run
    assert count(resumed[1]) == count(resumed[2]) and count(resumed[3]) == count(resumed[4])
    assert "deleted" in lines[-1] and not list(tmp_path.iterdir())
