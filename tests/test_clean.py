"""Cleaning scraped text: one test per furniture rule, metadata, and prose that must survive."""

from __future__ import annotations

import pytest
from conftest import make_article

from newsbrief.clean import FURNITURE_RULES, TextCleaner, furniture_rule, parse_date

PROSE = "The city council voted on Monday to spend two million dollars repairing the old bridge."

# rule name -> (lines the rule must catch, lines it must leave alone)
RULE_CASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "is_url_only": (
        ("https://t.co/abc123", "www.example.com/news/123"),
        ("Details are at https://example.com/report, the council said.",),
    ),
    "is_language_menu": (
        ("EN FR DE ES PT ZH-CN", "EN | FR | DE | IT"),
        ("The EU, UN and US said on Monday that talks would resume.",),
    ),
    "is_prompt": (
        (
            "Read more",
            "Advertisements",
            "Share this article",
            "Leave a comment",
            "Your email address will not be published. Required fields are marked *",
            "Save my name, email, and website in this browser for the next time I comment.",
            "Follow us on Twitter",
        ),
        (
            "Read more about the plan in the council report published on Monday.",
            "Share prices fell 3% after the announcement.",
            "Comments from residents were collected at the meeting on Friday.",
        ),
    ),
    "is_link_teaser": (
        ("READ MORE: Council votes to raise parking fees", "Read also » Storm closes schools"),
        ("Read the full statement below.",),
    ),
    "is_appeared_first": (
        ("The post Ferry shuttle starts on Friday appeared first on Harborton Now.",),
        ("The shuttle appeared on the river for the first time on Friday.",),
    ),
    "is_copyright": (
        (
            "© 2025 Harborton Herald Media Group. All rights reserved.",
            "(c) 2024 Example Media",
            "Copyright 2025 CRN Coastline Radio News",
        ),
        ("The council owns the rights to the land under the bridge, the report said.",),
    ),
    "is_truncated_teaser": (
        (
            "Council approves plan for new bus depot on Quarry Road...",
            "High school robotics team heads to national finals…",
            "Weekend weather: showers clearing by Sunday […]",
        ),
        ("He paused... and then the bridge fell, he said.",),
    ),
    "is_photo_caption": (
        (
            "Rescue workers search the riverbank on Tuesday. NEWSWIRE/Tomas Brandt",
            "A woman walks past the closed ramp. REUTERS/Jane Doe",
            "Photo: Rescue workers search the riverbank on Tuesday.",
            "The mayor speaks to reporters. (Photo by City Hall)",
        ),
        (
            "The photo, taken by a passer-by, shows the moment of collapse.",
            "Photographs of the rust were shared widely on Tuesday.",
        ),
    ),
    "is_field": (
        ("Media ID: 55375143", "Updated: 09:15"),
        ("Note: the bridge will stay closed until the inspection is over.",),
    ),
    "is_menu_bar": (
        ("Home | World | Business | Sport", "News • Local • Weather"),
        ("The bridge carried 6,000 people a day | officials said it was safe.",),
    ),
    "is_non_prose": (
        ("Top headlines from the harbour", "Breaking News Live Updates From The Harbour"),
        (PROSE, 'He said: "We are not going anywhere."'),
    ),
}


def test_every_furniture_rule_has_cases() -> None:
    assert {rule.__name__ for rule in FURNITURE_RULES} == set(RULE_CASES)


@pytest.mark.parametrize("rule", FURNITURE_RULES, ids=lambda r: r.__name__)
def test_furniture_rule(rule) -> None:
    furniture, keep = RULE_CASES[rule.__name__]
    for line in furniture:
        assert rule(line), f"{rule.__name__} should catch {line!r}"
        assert furniture_rule(line) is not None
    for line in keep:
        assert not rule(line), f"{rule.__name__} should keep {line!r}"


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "Read more about the plan in the council report published on Monday.",
        "Search teams worked through the night, officials said.",
        "Home owners near the river were told to leave.",
        "Print and online editions carried the same story.",
        "Officials said the cost was about $4 million, or 20% of the budget.",
        "The U.S. embassy issued a statement on Tuesday.",
        "Police - who arrived within minutes - closed the road.",
        "Close to 300 people attended the vigil on Thursday night.",
        'He wrote that the project was "years behind schedule".',
        "Next week the council will vote on the budget.",
        "Q: When will the bridge reopen?",
    ],
)
def test_real_prose_is_kept(line: str) -> None:
    assert furniture_rule(line) is None
    (cleaned,) = TextCleaner().run(make_article(f"{PROSE}\n\n{line}\n"))
    assert line in cleaned.text.split("\n\n")


def test_furniture_removed_from_article_and_recorded() -> None:
    text = (
        f"{PROSE}\n\nRead more\n\nAdvertisements\n\nhttps://t.co/abc\n\nThe repairs start in May.\n"
    )
    (cleaned,) = TextCleaner().run(make_article(text))
    assert cleaned.text == f"{PROSE}\n\nThe repairs start in May."
    assert cleaned.removed == ("Read more", "Advertisements", "https://t.co/abc")


def test_title_byline_and_date() -> None:
    text = (
        "Council votes to repair the Kessel Street bridge\n"
        "By Maya Lindqvist\n"
        "March 4, 2025\n\n"
        f"{PROSE}\n"
    )
    (cleaned,) = TextCleaner().run(make_article(text))
    assert cleaned.title == "Council votes to repair the Kessel Street bridge"
    assert cleaned.author == "Maya Lindqvist"
    assert cleaned.date == "2025-03-04"
    assert cleaned.text == PROSE


def test_source_line_gives_outlet_and_date() -> None:
    text = (
        "Investigators arrive as questions mount over bridge\n"
        "Source: Ardley Valley Times | 2025-03-05 | Editor: Paul Hennessy\n\n"
        f"{PROSE}\n"
    )
    (cleaned,) = TextCleaner().run(make_article(text))
    assert cleaned.outlet == "Ardley Valley Times"
    assert cleaned.date == "2025-03-05"
    assert "Source:" not in cleaned.text


def test_source_line_in_body_gives_outlet() -> None:
    (cleaned,) = TextCleaner().run(make_article(f"{PROSE}\n\nSource: Harborton Now\n"))
    assert cleaned.outlet == "Harborton Now"
    assert cleaned.text == PROSE


def test_title_suffix_is_outlet() -> None:
    text = f"Ferry shuttle replaces the collapsed footbridge | Harborton Now\n\n{PROSE}\n"
    (cleaned,) = TextCleaner().run(make_article(text))
    assert cleaned.title == "Ferry shuttle replaces the collapsed footbridge"
    assert cleaned.outlet == "Harborton Now"


def test_wire_dateline_stripped_and_agency_is_outlet() -> None:
    text = "HARBORTON, March 4 (Newswire) -- The Kessel Street footbridge collapsed on Tuesday morning.\n"
    (cleaned,) = TextCleaner().run(make_article(text))
    assert cleaned.text == "The Kessel Street footbridge collapsed on Tuesday morning."
    assert cleaned.outlet == "Newswire"


def test_cased_dateline_stripped_without_agency() -> None:
    text = "Harborton — The Kessel Street footbridge collapsed on Tuesday morning.\n"
    (cleaned,) = TextCleaner().run(make_article(text))
    assert cleaned.text == "The Kessel Street footbridge collapsed on Tuesday morning."
    assert cleaned.outlet is None


def test_dateline_kept_when_switched_off() -> None:
    text = "HARBORTON, March 4 (Newswire) -- The footbridge collapsed on Tuesday morning.\n"
    (cleaned,) = TextCleaner(strip_datelines=False).run(make_article(text))
    assert cleaned.text.startswith("HARBORTON, March 4 (Newswire) --")


def test_headline_chosen_over_site_banner() -> None:
    text = (
        "Harborton Herald | Local News\n"
        "Kessel Street footbridge collapses onto river bank | Harborton Herald\n\n"
        "The Kessel Street footbridge collapsed onto the river bank on Tuesday morning, "
        "injuring fourteen commuters.\n"
    )
    (cleaned,) = TextCleaner().run(make_article(text))
    assert cleaned.title == "Kessel Street footbridge collapses onto river bank"
    assert cleaned.outlet == "Harborton Herald"


def test_metadata_already_on_article_wins() -> None:
    text = "Council votes to repair the Kessel Street bridge\nMarch 4, 2025\n\n" + PROSE
    article = make_article(text, title="Given title", date="2025-01-01")
    (cleaned,) = TextCleaner().run(article)
    assert (cleaned.title, cleaned.date) == ("Given title", "2025-01-01")


def test_wrapped_lines_are_joined() -> None:
    wrapped = (
        "The middle section of the 40-metre Kessel Street footbridge fell onto the\n"
        "riverbank at about 8:10 a.m. local time, according to the city fire\n"
        "department. Low tide meant the wreckage landed on mud rather than in the\n"
        "water, Fire Chief Daniel Okafor said.\n"
    )
    (cleaned,) = TextCleaner().run(make_article(wrapped))
    assert cleaned.text == " ".join(wrapped.split())
    assert cleaned.removed == ()


def test_short_lines_are_not_joined() -> None:
    text = f"{PROSE}\nSubscribe now\n"
    (cleaned,) = TextCleaner().run(make_article(text))
    assert cleaned.text == PROSE


def test_nothing_left_gives_no_article() -> None:
    assert TextCleaner().run(make_article("Read more\n\nAdvertisements\n\n© 2025 Example\n")) == ()


def test_input_unchanged_and_output_deterministic() -> None:
    article = make_article(f"Some headline for the story\n\n{PROSE}\n\nRead more\n")
    before = article
    first = TextCleaner().run(article)
    assert article == before
    assert first == TextCleaner().run(article)
    assert first[0].id != "" and first[0].source == article.source


def test_negative_header_lines_rejected() -> None:
    with pytest.raises(ValueError):
        TextCleaner(header_lines=-1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04", "2025-03-04"),
        ("March 4, 2025", "2025-03-04"),
        ("Mar. 4th 2025", "2025-03-04"),
        ("Published 7 March 2025", "2025-03-07"),
        ("Posted on March 6, 2025 by Leo Marchetti", "2025-03-06"),
        ("February 30, 2025", None),
        ("no date here", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected
