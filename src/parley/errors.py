"""One catalogue of Parley's errors. Only the CLI turns them into exit codes and messages."""

from __future__ import annotations

CATALOGUE = {
    "P001": "unreadable input {path}: {reason}",
    "P002": "invalid UTF-8 in {path}{where}: {reason}",
    "P003": "binary file {path}: not a text document",
    "P004": "empty document in {path}{where}",
    "P005": "malformed JSONL in {path}{where}: {reason}",
    "P006": "HTML without a body in {path}: no main text could be extracted",
    "P007": "invalid date {value!r}{where}: expected YYYY-MM-DD",
    "P008": "invalid knowledge-base file {path}{where}: {reason}",
    "P009": "invalid frames file {path}{where}: {reason}",
    "P010": "store error in {path}: {reason}",
    "P011": "invalid gold file {path}{where}: {reason}",
    "P012": "document too large in {path}{where}: {size} characters (limit {limit})",
    "P013": "unsupported input {path}: {reason}",
    "P014": "could not code document {doc_id} from {path}: {reason}",
    "P015": "invalid formula file {path}{where}: {reason}",
    "P016": "{path} holds {count} documents: `parley diff` compares exactly one statement per file",
    "P017": "store {path} has schema version {found}; open it once for writing to upgrade it to {needed}",
    "P018": "malformed GDELT row in {path}{where}: {reason}",
    "P019": "cannot export to {path}: {reason}",
    "P020": "unknown event id {event_id}",
}


class ParleyError(Exception):
    """An error with a catalogue code, a message for users and the place it happened."""

    def __init__(self, code: str, **fields):
        self.code = code
        self.fields = fields
        fields.setdefault("where", _where(fields.get("line")))
        super().__init__(f"{code}: " + CATALOGUE[code].format(**fields))

    @property
    def path(self) -> str | None:
        return self.fields.get("path")

    @property
    def line(self) -> int | None:
        return self.fields.get("line")


def _where(line: int | None) -> str:
    return f", line {line}" if line else ""
