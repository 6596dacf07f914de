"""Ingest: every input kind, and every kind of bad input, with errors that name file and line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from datetime import date

import pytest

from parley.errors import ParleyError
from parley.ingest import MAX_DOC_CHARS, parse_date, read_inputs, read_stdin
from parley.models import Document, content_id


def _read(*paths, **kw):
    items = list(read_inputs([str(p) for p in paths], **kw))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, ParleyError)]


def test_ingest_text_file_is_one_document_with_content_id(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Japan protested to China on Monday.\nSecond line.", encoding="utf-8")
    docs, errors = _read(path, default_date=date(2021, 5, 3))
    assert errors == []
    assert len(docs) == 1
    assert docs[0].id == content_id(docs[0].text)
    assert docs[0].published == date(2021, 5, 3)


def test_ingest_markdown_and_folders_recursively(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "one.md").write_text("# Title\n\nSeoul and Tokyo held talks.", encoding="utf-8")
    (tmp_path / "a" / "b" / "two.txt").write_text("Beijing criticized Washington.", encoding="utf-8")
    (tmp_path / "a" / "b" / "skip.png").write_bytes(b"\x89PNG\x00\x00")
    docs, errors = _read(tmp_path)
    assert errors == []
    assert sorted(d.text.split()[-1] for d in docs) == ["Washington.", "talks."]


def test_ingest_jsonl_fields_and_given_id(tmp_path):
    path = tmp_path / "docs.jsonl"
    records = [
        {
            "id": "a1",
            "text": "Russia expelled two diplomats.",
            "date": "2022-03-01",
            "url": "http://x",
            "title": "T",
            "lang": "en",
        },
        {"text": "No id here."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    docs, errors = _read(path)
    assert errors == []
    assert docs[0].id == "a1" and docs[0].published == date(2022, 3, 1) and docs[0].title == "T"
    assert docs[1].id == content_id("No id here.")


def test_ingest_malformed_jsonl_lines_are_reported_and_the_rest_read(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"id": "ok1", "text": "Fine."}\n'
        '{"id": "bad", "text": \n'
        "[1, 2]\n"
        '{"id": "notext"}\n'
        '{"id": "baddate", "text": "x", "date": "2021-13-45"}\n'
        '{"id": "ok2", "text": "Also fine."}\n',
        encoding="utf-8",
    )
    docs, errors = _read(path)
    assert [d.id for d in docs] == ["ok1", "ok2"]
    assert [(e.code, e.line) for e in errors] == [("P005", 2), ("P005", 3), ("P005", 4), ("P007", 5)]
    assert all(str(path) in str(e) and f"line {e.line}" in str(e) for e in errors)


def test_ingest_empty_binary_and_invalid_utf8_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary\x00")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("line one\ncaf\xe9 line two".encode("latin-1"))
    good = tmp_path / "good.txt"
    good.write_text("Tokyo welcomed the decision.", encoding="utf-8")
    docs, errors = _read(empty, binary, latin, good)
    assert [d.text for d in docs] == ["Tokyo welcomed the decision."]
    codes = {e.code: e for e in errors}
    assert set(codes) == {"P004", "P003", "P002"}
    assert codes["P002"].line == 2 and "latin.txt" in str(codes["P002"])


def test_ingest_invalid_utf8_inside_jsonl_names_the_line(tmp_path):
    path = tmp_path / "enc.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    docs, errors = _read(path)
    assert len(docs) == 1 and errors[0].code == "P002" and errors[0].line == 2


def test_ingest_html_main_text_and_metadata(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        textwrap.dedent("""\
        <html><head><title>Summit ends</title>
        <meta property="article:published_time" content="2019-02-28">
        <link rel="canonical" href="https://news.example/summit"></head>
        <body><nav>Home | World</nav><article><h1>Summit ends</h1>
        <p>The summit between the United States and North Korea in Hanoi ended abruptly on Thursday
        without an agreement, officials said, after both sides failed to narrow their differences.</p>
        <p>Negotiators had worked through the night on a draft joint statement that was never signed.</p>
        </article><footer>Copyright</footer></body></html>"""),
        encoding="utf-8",
    )
    docs, errors = _read(path)
    assert errors == []
    assert "Hanoi" in docs[0].text and "Copyright" not in docs[0].text
    assert docs[0].title == "Summit ends"
    assert docs[0].published == date(2019, 2, 28)


def test_ingest_html_without_body_is_a_clear_error(tmp_path):
    path = tmp_path / "nobody.html"
    path.write_text("<html><head><title>x</title></head></html>", encoding="utf-8")
    docs, errors = _read(path)
    assert docs == [] and errors[0].code == "P006" and "nobody.html" in str(errors[0])


def test_ingest_stdin_plain_text_and_jsonl():
    text = list(read_stdin(io.BytesIO(b"Seoul urged Pyongyang to talk.")))
    assert isinstance(text[0], Document) and text[0].source == "<stdin>"
    lines = list(read_stdin(io.BytesIO(b'{"id": "x", "text": "A."}\n{"id": "y", "text": "B."}\n')))
    assert [d.id for d in lines] == ["x", "y"]
    assert isinstance(list(read_stdin(io.BytesIO(b"")))[0], ParleyError)


@pytest.mark.parametrize("value", ["2021-13-45", "yesterday", "2021/05/01", "21-05-01"])
def test_ingest_invalid_dates_are_rejected(value):
    with pytest.raises(ParleyError) as caught:
        parse_date(value, "--date")
    assert caught.value.code == "P007" and value in str(caught.value)


def test_ingest_missing_path_is_reported(tmp_path):
    docs, errors = _read(tmp_path / "nope.txt")
    assert docs == [] and errors[0].code == "P001"


def test_ingest_oversized_text_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(MAX_DOC_CHARS * 4 + 10)  # sparse: costs no disk
    docs, errors = _read(path)
    assert docs == [] and errors[0].code == "P012"


def test_ingest_streams_a_200_mb_jsonl_file_in_bounded_memory(tmp_path):
    """Read a 200 MB file in a child process and check its peak memory stays far below the size."""
    path = tmp_path / "big.jsonl"
    line = json.dumps({"text": "Officials met in Seoul on Tuesday to discuss trade. " * 40}) + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        for _ in range(200 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    assert path.stat().st_size >= 200 * 1024 * 1024
    # VmHWM is this process's own peak; ru_maxrss would include the forking parent's (pytest's) RSS.
    script = textwrap.dedent(f"""
        from parley.ingest import read_inputs
        n = sum(1 for _ in read_inputs([{str(path)!r}]))
        hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
        print(n, int(hwm) // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, peak_mb = map(int, out.stdout.split())
    assert count > 90_000
    assert peak_mb < 150, f"peak RSS {peak_mb} MB while streaming a 200 MB file"
    path.unlink()
