"""Timeline stage: date finding, each resolution rule, merging, the stage in the pipeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest import make_article

from newsbrief.attribute import attribute
from newsbrief.model import Brief, Selection, Story, TimelineEvent
from newsbrief.pipeline import Pipeline, brief, build_story
from newsbrief.registry import summarizers
from newsbrief.render import format_event_date
from newsbrief.timeline import (
    TimelineStage,
    find_date_expressions,
    infer_reference_date,
    resolve,
    resolve_in_sentence,
    sentence_tense,
)

THU_6_JULY = date(2017, 7, 6)  # a Thursday
FRI_7_JULY = date(2017, 7, 7)
SAT_8_JULY = date(2017, 7, 8)


def lead_pipeline() -> Pipeline:
    """The default pipeline with the lead summarizer (keeps these tests off the learned model)."""
    return Pipeline.default().replace("summarize", summarizers.get("lead.v1")())


def dates_in(sentence: str, published: date | None) -> list[tuple[str, str, str | None]]:
    return [(r.date, r.precision, r.end) for _, r in resolve_in_sentence(sentence, published)]


def bare_brief(story: Story) -> Brief:
    empty = Selection(sentence_ids=(), scores=(), n_words=0)
    return attribute(story, empty, max_words=50, method="test")


def test_past_weekday_is_the_one_before_publication() -> None:
    sentence = "On Wednesday, the minister said the talks had ended."
    assert dates_in(sentence, THU_6_JULY) == [("2017-07-05", "day", None)]


def test_weekday_in_a_preview_is_the_coming_one() -> None:
    sentence = "The cease-fire is set to take effect Sunday at noon Damascus time."
    assert dates_in(sentence, FRI_7_JULY) == [("2017-07-09", "day", None)]
    (expression,) = find_date_expressions(sentence)
    assert expression.text == "Sunday at noon Damascus time"


def test_reporting_verb_keeps_a_weekday_in_the_past_despite_future_words() -> None:
    sentence = "Officials said on Friday that the deal will take effect soon."
    (expression,) = find_date_expressions(sentence)
    assert sentence_tense(sentence, expression) == "past"
    assert dates_in(sentence, SAT_8_JULY) == [("2017-07-07", "day", None)]


def test_same_weekday_as_publication_is_that_day() -> None:
    assert dates_in("Haaretz reported on Thursday that talks stalled.", THU_6_JULY) == [
        ("2017-07-06", "day", None)
    ]


def test_last_and_next_weekday() -> None:
    assert dates_in("They met last Thursday.", THU_6_JULY) == [("2017-06-29", "day", None)]
    assert dates_in("They meet next Thursday.", THU_6_JULY) == [("2017-07-13", "day", None)]


def test_future_date_without_year_in_a_preview_is_the_coming_one() -> None:
    sentence = "The cease-fire is set to take effect July 9 at noon Damascus time."
    assert dates_in(sentence, SAT_8_JULY) == [("2017-07-09", "day", None)]


def test_past_date_without_year_in_a_recap_is_the_past_one() -> None:
    sentence = "The three countries signed a memorandum on May 4 in Astana."
    assert dates_in(sentence, THU_6_JULY) == [("2017-05-04", "day", None)]


def test_december_date_in_a_january_article_is_last_year() -> None:
    assert dates_in("The vote took place on December 28.", date(2018, 1, 3)) == [
        ("2017-12-28", "day", None)
    ]


def test_tense_breaks_a_near_tie() -> None:
    # 5 January is ~half a year from July either way: the tense decides.
    assert dates_in("Talks will resume on January 5.", THU_6_JULY) == [("2018-01-05", "day", None)]
    assert dates_in("Talks resumed on January 5.", THU_6_JULY) == [("2017-01-05", "day", None)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The next round will be held at the end of August.",
            ("2017-08-21", "range", "2017-08-31"),
        ),
        ("The next round will be held in late August.", ("2017-08-21", "range", "2017-08-31")),
        ("Talks are planned for mid-September.", ("2017-09-11", "range", "2017-09-20")),
        ("Fighting flared in early June 2016.", ("2016-06-01", "range", "2016-06-10")),
    ],
)
def test_ranges(sentence: str, expected: tuple[str, str, str]) -> None:
    assert dates_in(sentence, THU_6_JULY) == [expected]


def test_missing_publication_date_keeps_only_dates_with_a_year() -> None:
    sentence = "On Wednesday officials recalled the July 9, 2017 deal and the May 4 memorandum."
    assert dates_in(sentence, None) == [("2017-07-09", "day", None)]
    assert dates_in("Talks resume in August.", None) == []
    assert dates_in("The war began in 2011.", None) == [("2011", "year", None)]


def test_month_and_year_is_month_precision() -> None:
    assert dates_in("The offensive began in March 2015.", None) == [("2015-03", "month", None)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Prices may rise, analysts said.",  # "may" the verb
        "Protesters march through the city.",  # "march" the verb
        "The market opens on Sundays.",  # a habit, not a date
        "The score was 3-1 after 20 minutes.",
    ],
)
def test_not_dates(sentence: str) -> None:
    assert dates_in(sentence, THU_6_JULY) == []


def test_invalid_day_is_dropped() -> None:
    assert dates_in("It happened on February 30, 2017.", None) == []


def test_lowercased_text_still_resolves() -> None:
    # Multi-News is lower-cased; dates must survive that.
    assert dates_in("the deal took effect on july 9, 2017 at noon.", None) == [
        ("2017-07-09", "day", None)
    ]


def test_expression_label_and_offsets() -> None:
    sentence = "Russia and Iran signed the memorandum on May 4, 2017 in Astana."
    (expression,) = find_date_expressions(sentence)
    assert sentence[expression.start : expression.end].startswith("May 4, 2017")
    resolved = resolve(expression, None)
    assert resolved is not None and resolved.date == "2017-05-04"


def _two_source_story() -> Story:
    first = make_article(
        "The cease-fire in southwest Syria is set to take effect July 9 at noon.\n\n"
        "Russia, Turkey and Iran signed a memorandum on May 4 in Astana.",
        date="2017-07-08",
        source="a.txt",
    )
    second = make_article(
        "A cease-fire in southwest Syria will take effect on Sunday at noon, officials said.\n\n"
        "The weather in Geneva was mild.",
        date="2017-07-07",
        source="b.txt",
    )
    return build_story([first, second])


def test_stage_merges_sources_and_sorts_by_date() -> None:
    story = _two_source_story()
    result = TimelineStage().run(story, bare_brief(story))
    assert [e.date for e in result.timeline] == ["2017-05-04", "2017-07-09"]
    ceasefire = result.timeline[1]
    assert ceasefire.citations == (1, 2)  # both sources, merged
    assert len(ceasefire.sentence_ids) == 2
    assert ceasefire.label == "July 9 at noon"
    assert result.timeline[0].citations == (1,) if story.articles[0].source == "a.txt" else (2,)


def test_stage_is_bounded_and_leaves_input_alone() -> None:
    text = "\n\n".join(f"Event number {d} happened on July {d}, 2017." for d in range(1, 21))
    story = build_story([make_article(text)])
    base = bare_brief(story)
    result = TimelineStage(max_events=5).run(story, base)
    assert len(result.timeline) == 5
    assert base.timeline == ()
    assert [e.date for e in result.timeline] == sorted(e.date for e in result.timeline)


def test_stage_validates_settings() -> None:
    with pytest.raises(ValueError, match="max_events"):
        TimelineStage(max_events=0)


def test_default_pipeline_has_the_brief_stages_and_they_can_be_removed() -> None:
    names = Pipeline.default().names
    assert names[-3:] == ("timeline", "entities", "disagreements")
    text = "The summit will open on Monday in Geneva, the Swiss Foreign Ministry said today."
    article = make_article(text, date="2017-07-06")
    with_timeline = brief([article], pipeline=lead_pipeline())
    without = brief([article], pipeline=lead_pipeline().remove("timeline"))
    assert [e.date for e in with_timeline.timeline] == ["2017-07-06", "2017-07-10"]
    assert without.timeline == ()
    assert "## Timeline" in with_timeline.to_markdown()
    assert "## Timeline" not in without.to_markdown()
    assert with_timeline.to_dict()["timeline"][0]["citations"] == [1]


def test_year_written_next_to_a_partial_date() -> None:
    published = date(2013, 6, 19)
    assert dates_in("On a mid-April day last year, he spoke.", published) == [
        ("2012-04-11", "range", "2012-04-20")
    ]
    assert dates_in("In March this year the firm grew.", published) == [("2013-03", "month", None)]


def test_month_followed_by_its_day_is_a_day() -> None:
    assert dates_in("The list will be cut by nov. 14 based on votes.", date(2016, 9, 23)) == [
        ("2016-11-14", "day", None)
    ]


def test_a_dated_copy_dates_what_its_undated_original_leaves_relative() -> None:
    original = make_article(
        "The cease-fire in southwest Syria is set to take effect Sunday at noon Damascus time, "
        "officials said.\n\nThe deal was agreed in Hamburg.",
        source="original.txt",
    )
    copy = make_article(
        "The cease-fire in southwest Syria is set to take effect July 9 at noon Damascus time.",
        source="copy.txt",
        date="2017-07-08",
    )
    marked = replace(copy, duplicate_of=original.id)
    story = build_story([original, marked])
    story = replace(
        story, sentences=tuple(s for s in story.sentences if s.article_id == original.id)
    )
    result = TimelineStage().run(story, bare_brief(story))
    (event,) = result.timeline
    assert (event.date, event.label) == ("2017-07-09", "July 9 at noon Damascus time")
    original_number = next(s.number for s in result.sources if s.article_id == original.id)
    assert event.citations == (original_number,)
    assert "Sunday" in event.text  # described in the cited source's own words


def test_markdown_dates_and_the_undated_note() -> None:
    dated = make_article(
        "The peace talks between the delegations ended on Wednesday in Astana, officials said.",
        date="2017-07-06",
    )
    undated = make_article(
        "The next round of peace talks will be held at the end of August in Astana, they said."
    )
    result = brief([dated, undated], pipeline=lead_pipeline())
    markdown = result.to_markdown()
    assert "**5 July 2017** (Wednesday)" in markdown
    undated_number = next(s.number for s in result.sources if s.date is None)
    assert f"_Sources [{undated_number}] give no publication date" in markdown
    assert "inferred from their own text" in markdown  # says how their dates were placed
    event = TimelineEvent(
        date="2017-08-21", precision="range", end="2017-08-31", label="x", text="y", citations=(1,)
    )
    assert format_event_date(event) == "21–31 August 2017"
    assert format_event_date(replace(event, date="2017-05", precision="month", end=None)) == (
        "May 2017"
    )


def test_photo_captions_are_not_events() -> None:
    text = (
        "Displaced people leave a camp near the city, Syria May 4, 2017.\n\n"
        "REUTERS/Some Photographer\n\n"
        "The memorandum was signed in Astana on May 4, 2017, by three countries."
    )
    story = build_story([make_article(text)])
    result = TimelineStage().run(story, bare_brief(story))
    assert [e.text for e in result.timeline] == [
        "The memorandum was signed in Astana on May 4, 2017, by three countries."
    ]


def test_month_then_a_number_that_is_not_a_year() -> None:
    assert dates_in("In December, 40 % approved.", date(2019, 1, 22)) == [
        ("2018-12", "month", None)
    ]
    assert dates_in("The murder in November, 2007 shocked Perugia.", None) == [
        ("2007-11", "month", None)
    ]


def test_unicode_case_folding_lookalikes_do_not_crash() -> None:
    # "ſ" (long s) and "K" (Kelvin sign) fold to ASCII letters under Unicode case-insensitive
    # matching; a weekday spelled with them must not match (and must never raise).
    from newsbrief.timeline import find_date_expressions

    found = find_date_expressions("Talks start on ſunday, then on Sunday again.")
    assert [e.text for e in found] == ["Sunday"]


def test_a_written_weekday_picks_the_year() -> None:
    # 26 March was a Saturday in 2016, not in 2015: the weekday outweighs nearness.
    sentence = "On Saturday, March 26, legislators reached an agreement."
    assert dates_in(sentence, date(2015, 7, 21)) == [("2016-03-26", "day", None)]
    (expression,) = find_date_expressions(sentence)  # one date, not a weekday and a date
    assert expression.text == "March 26"
    # A weekday that fits no nearby year is ignored, not trusted.
    assert dates_in("On Monday, March 26, it rained.", date(2015, 7, 21)) == [
        ("2015-03-26", "day", None)
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The study ran between January 1 and December 31, 2009.",
            [("2009-01-01", "day", None), ("2009-12-31", "day", None)],
        ),
        (
            "The festival ran from December 28 to January 3, 2010.",
            [("2009-12-28", "day", None), ("2010-01-03", "day", None)],
        ),
        ("The summit was held May 5-7, 2017 in Geneva.", [("2017-05-05", "day", None)]),
        ("It hit 105 F on June 25 and 26, 2012.", [("2012-06-25", "day", None)]),
        ("Talks ran June 25, 26 and 27, 2012.", [("2012-06-25", "day", None)]),
    ],
)
def test_a_span_gives_its_year_to_its_start(sentence: str, expected: list) -> None:
    # The year is written once, after the end date; no publication date is needed.
    assert dates_in(sentence, None) == expected


def test_an_age_after_a_date_is_not_a_time() -> None:
    (expression,) = find_date_expressions("Pogue, who died on March 3 at 84 at his home, flew.")
    assert expression.text == "March 3"
    (expression,) = find_date_expressions("It starts on July 9 at 5 p.m. local time.")
    assert expression.text == "July 9 at 5 p.m. local time"


@pytest.mark.parametrize(
    ("sentence", "tense"),
    [
        ("The deal, signed Monday, will take effect next month.", "past"),
        ("She completed her first workout in February.", "past"),
        ("The elections will be held in December.", "future"),
        ("The minister said the vote will be held on Sunday.", "future"),
        ("The trial is scheduled to start in December.", "future"),
        ("The festival in August draws crowds.", "unmarked"),
    ],
)
def test_sentence_tense(sentence: str, tense: str) -> None:
    (expression,) = find_date_expressions(sentence)
    assert sentence_tense(sentence, expression) == tense


def test_caption_shapes() -> None:
    from newsbrief.timeline import caption_positions

    texts = [
        "In this Nov. 20, 2015, photo, a worker sorts parcels in Louisville.",
        "A sheriff speaks in Anthem, Arizona, January 9, 2013.",
        "Reuters/Jane Doe/File Photo The latest court order set the trial for December.",
        "The court met on Tuesday.",
        "In this case the judge ruled on Monday.",
    ]
    assert caption_positions(texts) == {0, 1, 2}


def test_month_of_year() -> None:
    assert dates_in("In January of 2011, he was charged.", None) == [("2011-01", "month", None)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The old record high for June 28 was 99 degrees, set in 1986.",
        "The previous record-high temperature for Denver on June 28 was broken.",
        "The festival is held every June in the old town.",
        'Reporters were shown the "October 5" steelworks outside the city.',
    ],
)
def test_recurring_days_and_dates_used_as_names_are_not_events(sentence: str) -> None:
    found = resolve_in_sentence(sentence, date(2018, 6, 29))
    assert [e.text for e, _ in found if e.year is None] == []


def test_the_sept_11_attacks_are_2001() -> None:
    ((_, attacks),) = resolve_in_sentence(
        "Security changed after the Sept. 11 attacks.", SAT_8_JULY
    )
    assert attacks.date == "2001-09-11"
    # Any other September 11 is still placed near publication.
    ((_, sale),) = resolve_in_sentence("Tickets go on sale on September 11.", SAT_8_JULY)
    assert sale.date == "2017-09-11"
    # A record set on a day, with its own year, keeps that date.
    ((_, record),) = resolve_in_sentence("The record was set on June 28, 2012.", SAT_8_JULY)
    assert record.date == "2012-06-28"


# ------------------------------------------------- reference date of an undated article


def test_inference_prefers_the_latest_past_stamped_date() -> None:
    sentences = [
        "Posted Monday, July 3, 2017 at 9:15 am",
        "The ministers first met on June 12, 2017, in Geneva.",
        "Updated: Wednesday, July 5, 2017",
        "The talks broke down last week, officials said.",
    ]
    assert infer_reference_date(sentences) == date(2017, 7, 5)


def test_inference_takes_a_plain_date_only_when_another_corroborates_it() -> None:
    # Running text, no stamp: the latest date counts when a second one lies in the month before.
    corroborated = [
        "The factory announced layoffs on March 3, 2017.",
        "Workers walked out on March 20, 2017, the union said.",
    ]
    assert infer_reference_date(corroborated) == date(2017, 3, 20)
    # A lone date in running text is as often history as news.
    assert infer_reference_date(["The twins were born on April 28, 1990, in Taunton."]) is None


def test_inference_ignores_captions_and_future_dates() -> None:
    sentences = [
        "Published Tuesday, May 2, 2017",
        "Rescue workers search the rubble in Aleppo, Syria, Friday, May 12, 2017.",
        "REUTERS/Jane Doe",
        "The trial will open on Monday, June 5, 2017, prosecutors said.",
    ]
    assert infer_reference_date(sentences) == date(2017, 5, 2)


def test_inference_falls_back_to_the_first_announced_date() -> None:
    sentences = [
        "The summit is set to open on Thursday, November 9, 2017, in Manila.",
        "Leaders will meet again on December 14, 2017.",
    ]
    assert infer_reference_date(sentences) == date(2017, 11, 9)


def test_inference_abstains_without_dated_evidence_or_when_a_later_year_is_named() -> None:
    assert infer_reference_date([]) is None
    assert infer_reference_date(["The ceasefire took effect on July 9 at noon."]) is None
    # A stamped-looking 2004 date in a story about 2014: the date is history.
    history = [
        "Sunday, December 26, 2004 changed the coast forever.",
        "In 2014 the family was reunited after a decade apart.",
    ]
    assert infer_reference_date(history) is None


def test_inference_reads_a_whole_text_too() -> None:
    text = "Ceasefire holds in the south\n\nPosted Saturday, July 8, 2017\n\nThe truce began on July 9."
    assert infer_reference_date(text) == date(2017, 7, 8)


UNDATED = (
    "Posted Saturday, July 8, 2017\n\n"
    "The ceasefire in southern Syria will take effect on July 9 at noon, officials said.\n\n"
    "The officials briefed reporters on Friday about the plan."
)


def test_an_undated_article_resolves_partial_dates_through_its_inferred_date() -> None:
    story = build_story([make_article(UNDATED, source="undated.txt")])
    timeline = TimelineStage().run(story, bare_brief(story)).timeline
    labels = {e.label: e.date for e in timeline}
    assert labels["July 9 at noon"] == "2017-07-09"
    assert labels["July 8, 2017"] == "2017-07-08"
    # An estimate is not the very day: the weekday stays unplaced.
    assert "Friday" not in labels


def test_a_dated_article_ignores_the_inference() -> None:
    # Published a year later than its text suggests: the real date wins, weekdays too.
    story = build_story([make_article(UNDATED, source="dated.txt", date="2018-07-06")])
    timeline = TimelineStage().run(story, bare_brief(story)).timeline
    labels = {e.label: e.date for e in timeline}
    assert labels["July 9 at noon"] == "2018-07-09"
    assert labels["Friday"] == "2018-07-06"


# ------------------------------------------------------------------------- round 6


JUNE_10 = date(2016, 6, 10)


def test_an_untensed_month_far_ahead_of_the_reference_is_the_past_one() -> None:
    # Read in June, "in November" with no future mark is last November (five months
    # back), not the coming one (five months ahead): news reports what happened.
    assert dates_in("The cell was behind the Paris attacks in November.", JUNE_10) == [
        ("2015-11", "month", None)
    ]
    assert dates_in("Crops failed in late November, farmers say.", JUNE_10) == [
        ("2015-11-21", "range", "2015-11-30")
    ]


def test_a_month_close_ahead_or_announced_stays_the_coming_one() -> None:
    # Within about three months ahead nearness still decides ...
    assert dates_in("The album comes out in August.", JUNE_10) == [("2016-08", "month", None)]
    # ... and a future-tense sentence keeps a month ahead however far.
    assert dates_in("The bridge will reopen in November.", JUNE_10) == [("2016-11", "month", None)]


def test_an_untensed_day_ahead_stays_the_coming_one() -> None:
    # A date written to the day ahead of time is usually a scheduled event.
    assert dates_in("The hearing on November 20 is open to the public.", JUNE_10) == [
        ("2016-11-20", "day", None)
    ]


def test_inference_never_takes_a_date_after_today() -> None:
    # A prediction written with its weekday looks like a stamp; no page is written
    # in the future, so it is not a candidate (and nothing else dates this text).
    prediction = [
        "The asteroid was found in December 2004.",
        "The odds of an impact on Friday, April 13, 2029 rose at first.",
    ]
    assert infer_reference_date(prediction, today=date(2026, 11, 23)) is None
    # The same date is a fine estimate once it is in the past.
    assert infer_reference_date(prediction, today=date(2030, 1, 1)) == date(2029, 4, 13)
    # Default: the clock's date.
    assert infer_reference_date(["Posted Monday, July 3, 2017"]) == date(2017, 7, 3)


# ------------------------------------------------------------------------- round 7


def test_a_month_four_months_ahead_or_less_stays_the_coming_one() -> None:
    # "Far ahead is the past" starts at about four months: September, read on 10
    # June, is the coming one (a fresh sample's anniversary "in September").
    assert dates_in("We will be celebrating our anniversary in September.", JUNE_10) == [
        ("2016-09", "month", None)
    ]
    assert dates_in("Friends gathered for the anniversary in September.", JUNE_10) == [
        ("2016-09", "month", None)
    ]


def test_a_past_tense_date_far_ahead_of_the_reference_is_the_past_one() -> None:
    assert dates_in("Her mother died on November 20 after a long illness.", JUNE_10) == [
        ("2015-11-20", "day", None)
    ]


def test_a_past_verb_governs_only_the_date_right_after_it() -> None:
    # "Published" governs the stamp; the release date after it is not past tense.
    # (Round 6 read the release date as past tense and, five months ahead, moved
    # it to the March before.)
    sentence = "Published on Oct 1, 2017 on March 9th, be a warrior."
    stamp, release = find_date_expressions(sentence)
    assert sentence_tense(sentence, stamp) == "past"
    assert sentence_tense(sentence, release) == "unmarked"
    assert dates_in(sentence, date(2017, 10, 1)) == [
        ("2017-10-01", "day", None),
        ("2018-03-09", "day", None),
    ]
    # With no date between, the verb still governs.
    (opened,) = find_date_expressions("The film opened on March 9th.")
    assert sentence_tense("The film opened on March 9th.", opened) == "past"


def test_the_announced_date_fallback_never_takes_a_date_after_today() -> None:
    # Only a prediction is dated: the article is not from 2034.
    prediction = [
        "The supermoon was the last one of the year.",
        "The moon will not be that close again until 25 November 2034.",
    ]
    assert infer_reference_date(prediction, today=date(2026, 11, 23)) is None
    assert infer_reference_date(prediction, today=date(2035, 1, 1)) == date(2034, 11, 25)


def test_years_before_1800_are_read_next_to_a_month() -> None:
    assert dates_in("The ship was disabled by a cannonball on January 2, 1493.", None) == [
        ("1493-01-02", "day", None)
    ]
    assert dates_in("The city burned from 2 September 1666, records show.", None) == [
        ("1666-09-02", "day", None)
    ]
    assert dates_in("The treaty of March 1493.", None) == [("1493-03", "month", None)]
    # A number that a word follows may be a count: "June 3" stays a partial date.
    assert dates_in("On June 3, 1200 people marched.", JUNE_10) == [("2016-06-03", "day", None)]
    assert dates_in("In March, 1500 people marched.", JUNE_10) == []


def test_a_yearless_stamp_far_from_the_estimate_makes_the_inference_abstain() -> None:
    history = [
        "A lunch menu dated April 14, 1912, the day before the sinking, was sold.",
        "The ship went down on April 15, 1912.",
    ]
    # Two dates a day apart corroborate each other ...
    assert infer_reference_date(history) == date(1912, 4, 15)
    # ... but the page says it was written on a 9 September: they are history.
    stamped = ["This story was updated at 11:15 a.m. ET on Sept. 9.", *history]
    assert infer_reference_date(stamped) is None
    # A stamp close to the estimate keeps it.
    close = ["Posted on April 16.", *history]
    assert infer_reference_date(close) == date(1912, 4, 15)
