"""The English coder on the hard cases of the foundation issue, and one case per PLOVER type."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import CONTRACT_KEYS

# (sentence, expected events as (type, source country, target country)); each must be present.
PER_TYPE = [
    ("Japan and South Korea agreed to resume military talks.", {("AGREE", "JPN", "KOR")}),
    ("Wang Yi traveled to Seoul for talks with his South Korean counterpart.", {("CONSULT", "CHN", "KOR")}),
    ("The European Union praised Seoul for its restraint.", {("SUPPORT", "EUR", "KOR")}),
    ("Tokyo apologized to Seoul for the incident.", {("CONCEDE", "JPN", "KOR")}),
    (
        "Russian and Chinese warships held joint naval drills in the Sea of Japan.",
        {("COOPERATE", "RUS", "CHN")},
    ),
    ("China sent humanitarian aid to North Korea after the floods.", {("AID", "CHN", "PRK")}),
    (
        "North Korea released two detained American citizens to the United States.",
        {("RETREAT", "PRK", "USA")},
    ),
    ("Washington urged Pyongyang to return to negotiations.", {("REQUEST", "USA", "PRK")}),
    ("The State Department condemned North Korea for its missile tests.", {("ACCUSE", "USA", "PRK")}),
    ("North Korea rejected a South Korean proposal for talks.", {("REJECT", "PRK", "KOR")}),
    ("North Korea threatened Japan with military action.", {("THREATEN", "PRK", "JPN")}),
    ("Thousands of South Korean protesters rallied against Japan in Seoul.", {("PROTEST", "KOR", "JPN")}),
    ("The United States imposed sanctions on North Korea's shipping firms.", {("SANCTION", "USA", "PRK")}),
    ("China deployed troops to its border with North Korea.", {("MOBILIZE", "CHN", "PRK")}),
    ("Russian police arrested three Japanese fishermen.", {("COERCE", "RUS", "JPN")}),
    ("North Korean artillery shelled South Korea's Yeonpyeong Island.", {("ASSAULT", "PRK", "KOR")}),
]


@pytest.mark.parametrize("text,expected", PER_TYPE, ids=[e[1].copy().pop()[0] for e in PER_TYPE])
def test_coder_codes_each_plover_type(code, text, expected):
    assert expected <= code(text)


def test_coder_passive_voice_puts_the_agent_first(code):
    assert ("ACCUSE", "USA", "PRK") in code("North Korea was criticized by the State Department.")
    assert ("SANCTION", "UNO", "PRK") in code("North Korea was sanctioned by the UN Security Council.")


def test_coder_coordinated_actors_give_one_event_each(code):
    found = code("Japan and South Korea condemned North Korea's missile launch.")
    assert {("ACCUSE", "JPN", "PRK"), ("ACCUSE", "KOR", "PRK")} <= found


def test_coder_coordinated_verbs_share_their_subject(code):
    found = code("The United States condemned the launch and imposed new sanctions on North Korea.")
    assert ("SANCTION", "USA", "PRK") in found


def test_coder_reported_speech_gives_the_act_to_the_reported_actor(code):
    found = code("South Korea said North Korea would send a delegation to Seoul.")
    assert ("AGREE", "PRK", "KOR") in found
    assert not {e for e in found if e[1] == "KOR"}


def test_coder_saying_is_the_act_for_speech_act_verbs(code):
    assert ("ACCUSE", "PRK", "USA") in code("Pyongyang accused Washington of plotting an invasion.")


def test_coder_negated_acts_code_nothing(code):
    assert code("Pyongyang did not meet with Tokyo.") == set()
    assert code("Japan never apologized to the families.") == set()


def test_coder_modal_and_conditional_acts_code_nothing(code):
    assert code("China could impose sanctions on Japan.") == set()
    assert code("If North Korea tests a bomb, Japan would impose sanctions on it.") == set()


def test_coder_stated_future_intent_is_agree(code):
    assert ("AGREE", "PRK", "RUS") in code("Kim Jong-un will meet Vladimir Putin next month.")
    assert ("AGREE", "JPN", "KOR") in code("The Japanese prime minister plans to visit Seoul in June.")


def test_coder_nominal_events(code):
    assert ("CONSULT", "USA", "KOR") in code("The US-ROK summit was held on May 21.")
    assert ("CONSULT", "USA", "PRK") in code(
        "The breakdown of the Hanoi summit talks between the United States and North Korea dashed hopes."
    )
    assert ("SANCTION", "USA", "PRK") in code("Washington's sanctions on Pyongyang took effect on Monday.")


def test_coder_visits_put_the_visitor_first_and_hosts_second(code):
    assert code("Kim Jong-un visited Beijing.") == {("CONSULT", "PRK", "CHN")}
    assert code("Xi Jinping hosted Kim Jong-un in Beijing.") == {("CONSULT", "PRK", "CHN")}


def test_coder_symmetric_meetings_are_emitted_in_both_directions(events):
    found = events("Moon Jae-in met Kim Jong-un at Panmunjom on April 27.", published=date(2018, 4, 30))
    pairs = {(e.source.country, e.target.country) for e in found if e.event_type == "CONSULT"}
    assert pairs == {("KOR", "PRK"), ("PRK", "KOR")}
    assert any(e.rule.endswith(":reverse") for e in found)


def test_coder_roles_resolve_by_date(events):
    found = events("The South Korean president visited Washington.", published=date(2021, 5, 21))
    assert found[0].source.name == "Moon Jae-in"
    found = events("The South Korean president visited Washington.", published=date(2023, 4, 26))
    assert found[0].source.name == "Yoon Suk Yeol"


def test_coder_event_fields_follow_the_contract(events):
    text = "On Wednesday, the State Department condemned North Korea's human rights abuses."
    event = events(text, published=date(2021, 4, 30))[0]
    record = event.to_dict()
    assert list(record) == CONTRACT_KEYS
    assert text[record["char_start"] : record["char_end"]] == record["quote"]
    assert record["cameo"] == "111" and record["goldstein"] == -2.0 and record["quad_class"] == 3
    assert record["source"]["country"] == "USA" and record["target"]["country"] == "PRK"
    assert (record["date"], record["date_precision"], record["date_text"]) == (
        "2021-04-28",
        "day",
        "On Wednesday",
    )
    assert "human_rights" in record["contexts"] and 0 < record["confidence"] <= 1


def test_coder_without_an_anchor_gives_null_dates(events):
    event = events("Japan condemned North Korea on Tuesday.", published=None)[0]
    assert event.date is None and event.date_precision is None


def test_coder_background_events_take_their_own_date(events):
    found = events(
        "The Hanoi summit between the United States and North Korea in February 2019 collapsed.",
        published=date(2021, 5, 27),
    )
    assert found and all(e.date == "2019-02-01" and e.date_precision == "month" for e in found)


def test_coder_pronouns_resolve_to_the_reporting_actor(code):
    assert ("AGREE", "USA", "PRK") in code("The White House said it would hold talks with North Korea.")


def test_coder_plain_statements_code_nothing(code):
    assert code("Seoul said the talks had been useful.") == set()
    assert code("Shares in Tokyo rose 2 percent on Monday.") == set()


def test_coder_meetings_in_one_partys_country_are_visits_by_the_other(code):
    assert code("Kim Jong Un met Vladimir Putin in Vladivostok on Thursday.") == {("CONSULT", "PRK", "RUS")}


def test_coder_relative_pronouns_take_their_antecedent(code):
    found = code("The offer was rejected by Pyongyang, which accused Seoul of hostility.")
    assert ("ACCUSE", "PRK", "KOR") in found


def test_coder_complement_clauses_give_targets(code):
    assert ("REJECT", "PRK", "USA") in code("North Korea refused to hold talks with the United States.")
    assert ("REQUEST", "USA", "RUS") in code("Washington demanded that Moscow release the journalist.")


def test_coder_the_content_of_a_demand_is_not_an_event(code):
    found = code("Washington demanded that Moscow release the journalist.")
    assert not {e for e in found if e[0] == "RETREAT"}


def test_coder_a_place_stands_in_for_a_missing_recipient(code):
    assert ("COERCE", "ISR", "PSE") in code("Israel reimposed blockades in the West Bank on Friday.")


def test_coder_places_named_after_states_are_not_actors(code):
    assert code("North Korea fired two missiles into the Sea of Japan.") == {("MOBILIZE", "PRK", None)}


def test_coder_reactions_target_whoever_drew_them(code):
    assert ("ACCUSE", "PRK", "KOR") in code("South Korea's missile launch drew a rebuke from Pyongyang.")


def test_coder_possessive_pronouns_resolve(code):
    assert ("ASSAULT", "PAK", None) in code("Pakistan's army said its troops had killed five militants.")


def test_coder_speculation_is_not_an_event(code):
    assert code("Analysts expect Pyongyang to test another missile soon.") == set()


def test_coder_self_referring_phrases_do_not_recurse(events):
    text = (
        "The president asked India to withdraw its troops from the islands, an official in his office said."
    )
    assert isinstance(events(text), list)


def test_coder_joint_activities_are_cooperation(code):
    assert ("COOPERATE", "CHN", "RUS") in code(
        "China and Russia jointly developed a satellite navigation system."
    )


def test_coder_stated_refusals_are_rejections(code):
    assert ("REJECT", "KAZ", "RUS") in code(
        "Kazakhstan will not hand over Russian citizens who fled the draft."
    )


def test_coder_unnamed_people_at_home_are_compatriots(code):
    assert ("COERCE", "ZWE", "ZWE") in code(
        "Zimbabwean police detained dozens of opposition activists in Harare."
    )


def test_coder_threats_answer_provocations(code):
    found = code("India struck militant camps in Pakistan, and Islamabad vowed to retaliate.")
    assert ("THREATEN", "PAK", "IND") in found
