"""The actor knowledge base: schema, coverage and resolution by date."""

from __future__ import annotations

from datetime import date

import pytest

from parley.actors.kb import load_kb
from parley.errors import ParleyError

# The 193 UN member states, by ISO 3166-1 alpha-3 code.
UN_MEMBERS = """
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA BRN
BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG COD CRI CIV HRV CUB CYP CZE PRK DNK DJI DMA
DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND
HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU
LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER
NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP
SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK TZA THA TLS TGO TON
TTO TUN TUR TKM TUV UGA UKR ARE GBR USA URY UZB VUT VEN VNM YEM ZMB ZWE
""".split()
EXTRAS = ["TWN", "XKX", "PSE", "HKG", "VAT"]
SEED_BODIES = [
    "Ministry of State Security",
    "General Political Bureau",
    "General Staff Department",
    "Reconnaissance General Bureau",
    "United Front Department",
    "Chongryon",
    "General Association of Korean Residents in Japan",
    "Workers' Party of Korea",
    "Korean People's Army",
    "State Department",
    "White House",
    "UN Security Council",
]


def test_kb_covers_every_un_member_and_the_extras(kb):
    assert len(UN_MEMBERS) == 193
    missing = [code for code in UN_MEMBERS + EXTRAS if kb.get(code) is None or kb.get(code).kind != "state"]
    assert missing == []


def test_kb_states_have_names_demonyms_and_capitals(kb):
    for code in ("PRK", "KOR", "USA", "JPN", "CHN", "RUS"):
        state = kb.get(code)
        assert state.demonyms and state.metonyms and state.wikidata
        assert state.names.get("ja") and state.names.get("ko") and state.names.get("zh")


@pytest.mark.parametrize(
    "alias,country",
    [
        ("DPRK", "PRK"),
        ("ROK", "KOR"),
        ("PRC", "CHN"),
        ("U.S.", "USA"),
        ("Pyongyang", "PRK"),
        ("Seoul", "KOR"),
        ("Tokyo", "JPN"),
        ("Beijing", "CHN"),
        ("Moscow", "RUS"),
        ("Washington", "USA"),
        ("Kremlin", "RUS"),
        ("White House", "USA"),
        ("Blue House", "KOR"),
        ("Kantei", "JPN"),
        ("Pentagon", "USA"),
        ("Foggy Bottom", "USA"),
        ("KCNA", "PRK"),
        ("Xinhua", "CHN"),
        ("TASS", "RUS"),
        ("NATO", "IGO"),
        ("EU", "EUR"),
        ("UN Security Council", "UNO"),
        ("IAEA", "IGO"),
        ("WFP", "UNO"),
    ],
)
def test_kb_aliases_and_metonyms_resolve(parley, alias, country):
    mentions = parley.coder.matcher.find([t.text for t in parley.nlp.tokenizer(alias)])
    assert mentions, alias
    assert parley.kb.get(mentions[0].actor_id).country == country


@pytest.mark.parametrize("body", SEED_BODIES)
def test_kb_names_every_body_of_the_seed_article(parley, body):
    mentions = parley.coder.matcher.find([t.text for t in parley.nlp.tokenizer(body)])
    assert mentions and mentions[0].end - mentions[0].start == len(parley.nlp.tokenizer(body))


def test_kb_chongryon_is_a_prk_affiliated_body(kb):
    entries = [a for a in kb.actors.values() if "Chongryon" in a.names["en"]]
    assert entries and entries[0].country == "PRK"


@pytest.mark.parametrize(
    "country,role,day,expected",
    [
        ("KOR", "head_of_state", date(2021, 5, 21), "Moon Jae-in"),
        ("KOR", "head_of_state", date(2023, 1, 10), "Yoon Suk Yeol"),
        ("USA", "head_of_state", date(2021, 5, 21), "Joe Biden"),
        ("USA", "head_of_state", date(2018, 6, 12), "Donald Trump"),
        ("JPN", "head_of_government", date(2021, 5, 21), "Yoshihide Suga"),
        ("PRK", "leader", date(2021, 1, 10), "Kim Jong-un"),
        ("PRK", "leader", date(2005, 1, 10), "Kim Jong-il"),
        ("USA", "foreign_minister", date(2019, 2, 27), "Mike Pompeo"),
        ("CHN", "foreign_minister", date(2022, 1, 1), "Wang Yi"),
        ("UNO", "secretary_general", date(2010, 1, 1), "Ban Ki-moon"),
    ],
)
def test_kb_people_resolve_by_role_and_date(kb, country, role, day, expected):
    people = kb.people_in_role(country, [role], day)
    assert len(people) == 1
    assert expected in {people[0].name, *people[0].names["en"]}


def test_kb_every_entry_has_the_required_fields(kb):
    for actor in kb.actors.values():
        assert actor.name in actor.names["en"] or actor.names["en"]
        assert actor.cameo and actor.country and actor.kind
        for role in actor.roles:
            assert role.end is None or role.start <= role.end


def test_kb_invalid_file_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- id: XXA\n  kind: state\n  name: Good\n  country: XXA\n  cameo: XXA\n  names: {en: [Good]}\n"
        "- id: XXB\n  kind: planet\n  name: Bad\n  country: XXB\n  cameo: XXB\n  names: {en: [Bad]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParleyError) as caught:
        load_kb([bad])
    assert caught.value.code == "P008" and caught.value.line == 7 and "bad.yaml" in str(caught.value)


def test_kb_duplicate_ids_are_refused(tmp_path):
    dup = tmp_path / "dup.yaml"
    dup.write_text("- id: PRK\n  kind: state\n  name: X\n  country: PRK\n  cameo: PRK\n  names: {en: [X]}\n")
    with pytest.raises(ParleyError, match="duplicate id PRK"):
        load_kb([dup])


def test_kb_extra_files_extend_the_base(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "- id: KOR.MY_THINK_TANK\n  kind: group\n  name: My Think Tank\n  country: KOR\n"
        "  sector: EDU\n  cameo: KOREDU\n  names: {en: [My Think Tank]}\n",
        encoding="utf-8",
    )
    assert load_kb([extra]).get("KOR.MY_THINK_TANK").sector == "EDU"


def test_kb_cache_is_rebuilt_when_a_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    extra = tmp_path / "mine.yaml"
    entry = "- id: KOR.A\n  kind: group\n  name: {0}\n  country: KOR\n  cameo: KOR\n  names: {{en: [{0}]}}\n"
    extra.write_text(entry.format("First"))
    assert load_kb([extra]).get("KOR.A").name == "First"
    assert list((tmp_path / "cache" / "parley").glob("kb-*.pickle"))
    assert load_kb([extra]).get("KOR.A").name == "First"  # from the cache
    extra.write_text(entry.format("Second"))
    assert load_kb([extra]).get("KOR.A").name == "Second"
