"""Formula tracking: lexicon, detection (specificity, status, quotes, speakers, languages), diff, CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import SHARED
from parley.cli import app
from parley.errors import ParleyError
from parley.formulas import STATUSES, FormulaFinder
from parley.formulas.diff import diff_statements, word_diff
from parley.formulas.lexicon import CATEGORIES, LANGS, load_lexicon
from parley.models import Document

runner = CliRunner()


@pytest.fixture(scope="module")
def finder():
    return FormulaFinder()


def _hits(finder, text, speakers=False):
    return finder.find(Document(text=text), speakers=speakers)


def _ids(finder, text):
    return [h.formula_id for h in _hits(finder, text)]


# ------------------------------------------------------------------ lexicon
def test_formulas_lexicon_is_valid_and_broad(finder):
    lexicon = finder.lexicon
    assert len(lexicon.formulas) >= 80
    assert {f.category for f in lexicon.formulas.values()} <= set(CATEGORIES)
    for formula in lexicon.formulas.values():
        assert formula.variants["en"], formula.id
        assert set(formula.variants) <= set(LANGS)
        assert formula.id not in lexicon.closure[formula.id]
    ladders = {f.ladder.name for f in lexicon.formulas.values() if f.ladder}
    assert len(ladders) >= 3


def test_formulas_every_variant_is_found_as_its_own_formula(finder):
    """Positive examples for every formula: each variant, inside a sentence, yields that formula."""
    frames = {
        "en": "On Monday the ministers spoke of {} at length.",
        "ja": "両国の外相は{}について協議した。",
        "ko": "양국 장관은 {}에 대해 논의했다.",
        "zh": "双方外长就{}进行了讨论。",
    }
    misses = []
    for formula in finder.lexicon.formulas.values():
        for lang, phrases in formula.variants.items():
            for phrase in phrases:
                hits = _hits(finder, frames[lang].format(phrase))
                if not any(h.formula_id == formula.id and h.lang == lang for h in hits):
                    misses.append((formula.id, lang, phrase, [h.formula_id for h in hits]))
    assert misses == []


@pytest.mark.parametrize(
    "text",
    [
        "The utility plans a nuclear power plant near the coast.",
        "Seoul expressed concern about rising rice prices.",
        "The North Atlantic alliance met in Brussels.",
        "The peninsula's weather turned cold on Tuesday.",
        "Engineers discussed the complete renovation of the Korean embassy.",
        "The team adopted a patient strategy for the match.",
        "He described the policy as hostile to small farmers.",
        "The talks between the six parties on trade ended early.",
    ],
)
def test_formulas_near_misses_are_not_formulas(finder, text):
    ids = _ids(finder, text)
    # "concern" alone is the bottom step of the concern ladder; everything else must be silent
    assert [i for i in ids if i != "concern"] == []


def test_formulas_near_miss_wording_of_specific_formulas(finder):
    assert "cvid" not in _ids(finder, "They sought complete and verifiable inspections of the reactor.")
    assert "one_china_policy" not in _ids(finder, "China's policy on one child was relaxed.")
    assert "six_party_talks" not in _ids(finder, "Six parties attended the talks on fisheries.")
    assert "hostile_policy" not in _ids(finder, "The hostile takeover of the policy firm failed.")


# ------------------------------------------------------------------ detection
def test_formulas_most_specific_hit_carries_its_implications(finder):
    text = "Tokyo demanded the complete, verifiable and irreversible denuclearisation of the DPRK."
    [hit] = _hits(finder, text)
    assert hit.formula_id == "cvid"
    assert "denuclearization_north_korea" in hit.implies
    assert text[hit.char_start : hit.char_end] == hit.text


@pytest.mark.parametrize(
    "text",
    [
        "Washington called for the denuclearization of North Korea.",
        "Washington called for the denuclearisation of the DPRK.",
        "Washington called for the denuclearization of the North.",
        "Washington called for North Korea's denuclearization.",
    ],
)
def test_formulas_variants_tolerate_spelling_articles_and_names(finder, text):
    assert _ids(finder, text) == ["denuclearization_north_korea"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("The joint statement called for the complete denuclearization of the Korean Peninsula.", "asserted"),
        ("The communique did not mention the complete denuclearization of the Korean Peninsula.", "negated"),
        (
            "Pyongyang rejected commitments to the complete denuclearization of the Korean Peninsula.",
            "rejected",
        ),
        ("The new text dropped the complete denuclearization of the Korean Peninsula.", "omitted"),
        (
            "The leaders chose new wording instead of the complete denuclearization of the Korean Peninsula.",
            "omitted",
        ),
        ("The complete denuclearization of the Korean Peninsula was omitted from the final text.", "omitted"),
        (
            "Rather than the complete denuclearization of the Korean Peninsula, it spoke of arms control.",
            "omitted",
        ),
    ],
)
def test_formulas_status(finder, text, status):
    [hit] = _hits(finder, text)
    assert hit.formula_id == "complete_denuclearization_korean_peninsula"
    assert hit.status == status and status in STATUSES


def test_formulas_quotes_and_apostrophes(finder):
    quoted = "Kim called the United States the North’s “greatest enemy.”"
    bare = "America’s hostile policy, in the view of the Workers’ Party, had not changed."
    assert [h.quoted for h in _hits(finder, quoted)] == [True]
    assert [h.quoted for h in _hits(finder, bare)] == [False]


def test_formulas_speaker_comes_from_the_reporting_clause(finder):
    text = "Japan said on Friday that the abduction issue remains its top priority."
    [hit] = _hits(finder, text, speakers=True)
    assert hit.formula_id == "abduction_issue"
    assert hit.speaker is not None and hit.speaker.country == "JPN"


@pytest.mark.parametrize(
    ("text", "formula_id", "lang"),
    [
        (
            "日米首脳は朝鮮半島の完全な非核化に向けて協力することを確認した。",
            "complete_denuclearization_korean_peninsula",
            "ja",
        ),
        ("政府は拉致問題の解決を最優先すると述べた。", "abduction_issue", "ja"),
        ("북한은 미국의 적대시 정책을 비난했다.", "hostile_policy", "ko"),
        (
            "양국은 한반도의 완전한 비핵화 목표를 재확인했다.",
            "complete_denuclearization_korean_peninsula",
            "ko",
        ),
        ("朝方谴责美国的敌视政策。", "hostile_policy", "zh"),
    ],
)
def test_formulas_japanese_korean_and_chinese(finder, text, formula_id, lang):
    [hit] = [h for h in _hits(finder, text) if h.formula_id == formula_id]
    assert hit.lang == lang
    assert text[hit.char_start : hit.char_end] == hit.text


def test_formulas_cjk_rejection_cue(finder):
    [hit] = _hits(finder, "北朝鮮は朝鮮半島の完全な非核化を拒否した。")
    assert hit.status == "rejected"


@pytest.mark.skipif(
    not (SHARED / "seed" / "000_ff794fc2ff29ad97.txt").exists(), reason="shared seed article not present"
)
def test_formulas_on_the_seed_article(finder):
    text = (SHARED / "seed" / "000_ff794fc2ff29ad97.txt").read_text(encoding="utf-8")
    hits = _hits(finder, text)
    by_id = {}
    for hit in hits:
        by_id.setdefault(hit.formula_id, []).append(hit)
    assert [h.status for h in by_id["cvid"]] == ["omitted"]
    assert "asserted" in {h.status for h in by_id["complete_denuclearization_korean_peninsula"]}
    assert "omitted" in {h.status for h in by_id["hostile_policy"]}
    for formula_id in (
        "denuclearization_north_korea",
        "full_implementation_unsc_resolutions",
        "abduction_issue",
    ):
        assert formula_id in by_id


def test_formulas_bad_lexicon_file_is_reported_with_its_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("- id: x\n  label: X\n  category: nonsense\n  description: d\n  variants: {en: [x y]}\n")
    with pytest.raises(ParleyError) as error:
        load_lexicon([path])
    assert error.value.code == "P015" and "bad.yaml" in str(error.value)


# ------------------------------------------------------------------ diff
OLD = (
    "The two leaders reaffirmed the complete, verifiable and irreversible denuclearization of North Korea. "
    "They expressed serious concern over the launches. Both sides back the Six-Party Talks."
)
NEW = (
    "The two leaders reaffirmed the complete denuclearization of the Korean Peninsula. "
    "They strongly condemned the launches. Both sides back the six-party talks."
)


def test_formulas_diff_reports_added_dropped_changed_and_kept(finder):
    report = diff_statements(Document(text=OLD), Document(text=NEW), finder)
    kinds = {c["formula_id"]: c["kind"] for c in report["changes"]}
    assert kinds["cvid"] == "dropped"
    assert kinds["complete_denuclearization_korean_peninsula"] == "added"
    assert kinds["strongly_condemn"] == "changed"
    assert kinds["six_party_talks"] in ("kept", "changed")
    assert report["summary"]["dropped"] == 1 and report["summary"]["added"] == 1
    diffs = " ".join(p["diff"] for p in report["word_diff"])
    assert "[-" in diffs and "{+" in diffs


def test_formulas_word_diff_marks_only_the_changed_words():
    assert (
        word_diff("we note serious concern", "we note grave concern")
        == "we note [-serious-] {+grave+} concern"
    )


# ------------------------------------------------------------------ CLI
def test_cli_formulas_lists_hits_and_reports_bad_files(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Seoul rejected the hostile policy of the past.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["formulas", str(empty), str(good), "--format", "jsonl"])
    assert result.exit_code == 1
    [record] = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert record["formula_id"] == "hostile_policy" and record["status"] == "rejected"
    assert "P004" in result.stderr and "empty.txt" in result.stderr


def test_cli_diff_prints_a_report(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    result = runner.invoke(app, ["diff", str(old), str(new), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {c["kind"] for c in report["changes"]} >= {"added", "dropped", "changed"}
    table = runner.invoke(app, ["diff", str(old), str(new), "--format", "table"])
    assert table.exit_code == 0 and "dropped" in table.stdout


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        (
            "The text dropped CVID and backed the complete denuclearization of the Korean Peninsula.",
            ["omitted", "asserted"],
        ),
        ("The statement did not mention CVID or the hostile policy.", ["negated", "negated"]),
    ],
)
def test_formulas_a_cue_reaches_a_list_but_not_the_next_clause(finder, text, statuses):
    assert [h.status for h in _hits(finder, text)] == statuses


# ------------------------------------------------------------------ series
def _statements(tmp_path):
    path = tmp_path / "statements.jsonl"
    rows = [
        {
            "text": "The allies sought the complete denuclearization of the Korean Peninsula.",
            "date": "2021-05-21",
        },
        {"text": "The allies demanded CVID from Pyongyang.", "date": "2019-01-05"},
        {
            "text": "The summit backed the complete denuclearization of the Korean Peninsula.",
            "date": "2018-06-12",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_formulas_series_orders_by_date_with_first_and_last_seen(tmp_path, finder):
    from parley.formulas.series import formula_series
    from parley.ingest import read_inputs

    report = formula_series(list(read_inputs([_statements(tmp_path)])), finder)
    assert [c["date"] for c in report["documents"]] == ["2018-06-12", "2019-01-05", "2021-05-21"]
    rows = {r["formula_id"]: r for r in report["formulas"]}
    peninsula = rows["complete_denuclearization_korean_peninsula"]
    assert peninsula["statuses"] == ["asserted", None, "asserted"]
    assert (peninsula["first_seen"], peninsula["last_seen"], peninsula["documents"]) == (
        "2018-06-12",
        "2021-05-21",
        2,
    )
    assert rows["cvid"]["statuses"] == [None, "asserted", None]


def test_cli_series_prints_rows_and_reports_bad_files(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(
        app, ["series", str(_statements(tmp_path)), str(tmp_path / "bad.txt"), "--format", "jsonl"]
    )
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {r["formula_id"] for r in rows} == {"complete_denuclearization_korean_peninsula", "cvid"}
    assert "bad.txt" in result.stderr
    table = runner.invoke(app, ["series", str(tmp_path / "statements.jsonl"), "--format", "table"])
    assert table.exit_code == 0 and "2021-05-21" in table.stdout


# ------------------------------------------------------------------ store
def test_ingest_stores_formula_hits_once_and_series_reads_them(tmp_path, parley):
    from parley import service
    from parley.store import Store

    db = tmp_path / "f.duckdb"
    corpus = _statements(tmp_path)
    with Store(db) as store:
        first = service.ingest([str(corpus)], store, parley=parley)
        again = service.ingest([str(corpus)], store, parley=parley)
        rows = store.query("SELECT formula_id, status, quoted FROM formula_hits ORDER BY formula_id, doc_id")
    assert first.formulas == 3 and again.formulas == 0 and again.skipped == 3
    assert [r[0] for r in rows] == ["complete_denuclearization_korean_peninsula"] * 2 + ["cvid"]
    result = runner.invoke(app, ["series", "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = {r["formula_id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert rows["complete_denuclearization_korean_peninsula"]["first_seen"] == "2018-06-12"
    assert rows["cvid"]["statuses"] == [None, "asserted", None]


# ------------------------------------------------------------------ per-formula examples


def _examples():
    from pathlib import Path

    import yaml

    return yaml.safe_load((Path(__file__).parent / "formulas" / "examples.yaml").read_text(encoding="utf-8"))


def test_formulas_every_formula_has_a_positive_and_a_near_miss_example(finder):
    examples = _examples()
    assert {e["id"] for e in examples} == set(finder.lexicon.formulas)
    failures = []
    for example in examples:
        found = [(h.formula_id, h.status) for h in _hits(finder, example["positive"])]
        if (example["id"], "asserted") not in found:
            failures.append(("positive", example["id"], found))
        wrong = [h.formula_id for h in _hits(finder, example["negative"])]
        if wrong:
            failures.append(("negative", example["id"], wrong))
    assert failures == []


def test_formulas_speaker_is_the_subject_not_the_addressee(finder):
    text = (
        "Beijing said it opposes Taiwan independence and urged Washington to respect the one-China principle."
    )
    speakers = {h.formula_id: h.speaker.country for h in _hits(finder, text, speakers=True)}
    assert speakers == {"oppose_taiwan_independence": "CHN", "one_china_principle": "CHN"}


def test_formulas_diff_counts_other_wording_of_one_formula_as_changed(finder):
    old = Document(text="Both sides backed the denuclearization of North Korea.")
    new = Document(text="Both sides backed North Korea's denuclearisation.")
    [change] = diff_statements(old, new, finder)["changes"]
    assert change["kind"] == "changed" and change["formula_id"] == "denuclearization_north_korea"


def test_formulas_speaker_falls_back_to_the_documents_issuer(tmp_path, finder):
    from parley.ingest import read_inputs

    path = tmp_path / "statement.jsonl"
    record = {
        "text": "We will seek the comprehensive resolution of the abduction, nuclear and missile issues.",
        "issuer": "Ministry of Foreign Affairs of Japan",
        "date": "2024-03-01",
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [document] = read_inputs([path])
    [hit] = finder.find(document)
    assert hit.formula_id == "comprehensive_resolution"
    assert hit.speaker.country == "JPN" and hit.speaker.text == record["issuer"]


def test_store_migrates_a_version_1_file_and_keeps_its_documents(tmp_path):
    import duckdb

    from parley.store import MIGRATIONS, SCHEMA_VERSION, Store

    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER)")
    for statement in MIGRATIONS[1]:
        con.execute(statement)
    con.execute("INSERT INTO schema_version VALUES (1)")
    con.execute("INSERT INTO documents (doc_id, text, n_events) VALUES ('old', 'An old text.', 0)")
    con.close()
    with Store(path, read_only=True) as store:  # read-only: not migrated, and no formula hits yet
        assert [(d.id, hits) for d, hits in store.formula_documents()] == [("old", [])]
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.query("SELECT doc_id, issuer FROM documents") == [("old", None)]
        assert store.query("SELECT count(*) FROM formula_hits") == [(0,)]


# ------------------------------------------------------------------ evaluation
def test_formula_eval_counts_pairs_and_formulas_separately(tmp_path):
    gold = tmp_path / "formula_gold.jsonl"
    rows = [
        {  # right formulas, one wrong status: 1 tp + 1 fp + 1 fn with status, 2 tp on formulas alone
            "text": "Seoul dropped CVID and backed the complete denuclearization of the Korean Peninsula.",
            "formulas": [
                {"id": "cvid", "status": "omitted"},
                {"id": "complete_denuclearization_korean_peninsula", "status": "omitted"},
            ],
        },
        {
            "text": "The ministers discussed fisheries.",
            "formulas": [{"id": "hostile_policy", "status": "asserted"}],
        },
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = runner.invoke(
        app, ["eval", str(gold), "--format", "json", "--errors", str(tmp_path / "e.jsonl")]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    pairs, alone = scores["formula_and_status"], scores["formula_only"]
    assert (pairs["tp"], pairs["fp"], pairs["fn"]) == (1, 1, 2)
    assert (alone["tp"], alone["fp"], alone["fn"]) == (2, 0, 1)
    assert len((tmp_path / "e.jsonl").read_text().splitlines()) == 2


def test_formula_eval_refuses_unknown_ids(tmp_path):
    gold = tmp_path / "bad.jsonl"
    gold.write_text(json.dumps({"text": "x", "formulas": [{"id": "nope", "status": "asserted"}]}) + "\n")
    result = runner.invoke(app, ["eval", str(gold)])
    assert result.exit_code == 2 and "P011" in result.stderr and "line 1" in result.stderr


@pytest.mark.parametrize(("split", "floor"), [("formulas_dev", 0.93), ("formulas_test", 0.86)])
def test_formula_status_accuracy_stays_above_its_floor(finder, split, floor):
    """formulas_dev was tuned on; formulas_test is only scored (floors sit below the measured F1)."""
    from pathlib import Path

    from parley.formulas.evaluate import evaluate_formulas, load_formula_gold

    path = Path(__file__).parent / "gold" / f"{split}.jsonl"
    scores = evaluate_formulas(load_formula_gold(path, set(finder.lexicon.formulas)), finder)
    assert scores.with_status.scores()["f1"] >= floor
