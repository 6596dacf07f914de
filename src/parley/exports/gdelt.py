"""GDELT 2.0: the event table and the mentions table, written from Parley's store and read back in.

Column names and order follow the GDELT 2.0 Event Codebook. CAMEO codes stay strings with their
leading zeros ("040"); Goldstein scores and quad classes are GDELT's own (roots 01-05 -> 1, 06-09 -> 2,
10-14 -> 3, 15-20 -> 4). Geography: Parley does not geocode places, so the actor geo fields hold the
actor's country at country level (type 1, FIPS 10-4 code, centroid) where it is a state, and the
action geo fields stay empty. AvgTone and the tone fields stay empty: Parley does not score tone.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from functools import cache
from importlib import resources

EVENT_COLUMNS = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
]
_INTEGER = {
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "IsRootEvent",
    "QuadClass",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "Actor1Geo_Type",
    "Actor2Geo_Type",
    "ActionGeo_Type",
    "DATEADDED",
}
_FLOAT = {
    "FractionDate",
    "GoldsteinScale",
    "AvgTone",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "ActionGeo_Lat",
    "ActionGeo_Long",
}
SQL_TYPES = {
    c: ("BIGINT" if c in _INTEGER else "DOUBLE" if c in _FLOAT else "VARCHAR") for c in EVENT_COLUMNS
}

MENTION_COLUMNS = [
    "GLOBALEVENTID",
    "EventTimeDate",
    "MentionTimeDate",
    "MentionType",
    "MentionSourceName",
    "MentionIdentifier",
    "SentenceID",
    "Actor1CharOffset",
    "Actor2CharOffset",
    "ActionCharOffset",
    "InRawText",
    "Confidence",
    "MentionDocLen",
    "MentionDocTone",
    "MentionDocTranslationInfo",
    "Extras",
]


@cache
def countries() -> dict[str, dict]:
    """Parley country code -> {fips, name, lat, lon}."""
    text = resources.files("parley").joinpath("data/geo/countries.csv").read_text(encoding="utf-8")
    return {row["code"]: row for row in csv.DictReader(text.splitlines())}


def gdelt_id(event_id: str) -> int:
    """A stable positive integer for GLOBALEVENTID, from the canonical event id."""
    return int(event_id[2:15], 16)


def _stamp(moment) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.strftime("%Y%m%d%H%M%S")
    return moment.strftime("%Y%m%d") + "000000"


def _fraction(day: date) -> str:
    return f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}"


def _actor(row: dict, side: str) -> list:
    """The 10 actor fields and the 8 actor geo fields of one side."""
    if row[f"{side}_actor_id"] is None:
        return [""] * 10, [""] * 8
    cameo = row[f"{side}_cameo"] or ""
    country = row[f"{side}_country"] or ""
    state = countries().get(country)
    kind_code = cameo[3:6] if len(cameo) >= 6 else ""
    fields = [
        cameo,
        (row[f"{side}_name"] or "").upper(),
        country if state else "",
        "" if state else country,  # UNO, EUR, IGO...: a known group, not a country
        "",
        "",
        "",
        kind_code,
        cameo[6:9] if len(cameo) >= 9 else "",
        "",
    ]
    geo = ["", "", "", "", "", "", "", ""]
    if state:
        geo = [1, state["name"], state["fips"], state["fips"], "", state["lat"], state["lon"], state["fips"]]
    return fields, geo


def event_row(row: dict) -> list:
    """One canonical event (a row of the events table, as a dict) as the 61 GDELT fields."""
    day = row["date"]
    actor1, geo1 = _actor(row, "source")
    actor2, geo2 = _actor(row, "target")
    cameo = row["cameo"]
    values = [
        row["gdelt_id"],
        day.strftime("%Y%m%d") if day else "",
        day.strftime("%Y%m") if day else "",
        day.year if day else "",
        _fraction(day) if day else "",
        *actor1,
        *actor2,
        1 if row["sentence"] == 0 else 0,  # the event is in the lead sentence of its first report
        cameo,
        cameo[:3],
        cameo[:2],
        row["quad_class"],
        row["goldstein"],
        row["mentions"],
        row["sources"],
        row["articles"],
        "",
        *geo1,
        *geo2,
        *[""] * 8,
        _stamp(row["date_added"]),
        row["url"] or f"parley:{row['doc_id']}",
    ]
    assert len(values) == len(EVENT_COLUMNS)
    return values


def _offset(row: dict, side: str) -> int:
    text = row[f"{side}_text"]
    if not text:
        return -1
    at = row["quote"].find(text)
    return row["char_start"] + at if at >= 0 else -1


def mention_row(row: dict) -> list:
    """One mention (joined with its document and event) as the 16 GDELT mention fields."""
    return [
        row["gdelt_id"],
        _stamp(row["date_added"]),
        _stamp(row["published"] or row["ingested_at"]),
        1 if row["url"] else 2,  # 1 = web page, 2 = citation only
        row["publisher"] or "",
        row["url"] or f"parley:{row['doc_id']}",
        row["sentence"] + 1,
        _offset(row, "source"),
        _offset(row, "target"),
        row["char_start"],
        1,
        round(row["confidence"] * 100),
        row["doc_len"],
        "",
        "",
        "",
    ]
