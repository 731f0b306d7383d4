"""The HTML report: one self-contained file with the brief's JSON embedded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import make_article

from newsbrief.cli import main
from newsbrief.model import Brief, BriefSentence, Source
from newsbrief.render_html import brief_to_html, embed_json, render_page, source_sentences

ARTICLES = Path(__file__).parent / "data" / "server"


def _embedded(page: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="nb-data">(.*?)</script>', page, re.S)
    assert match, "no embedded data element"
    return json.loads(match.group(1))


def _brief(text: str = "Bridge closed after the storm.") -> Brief:
    return Brief(
        title="Storm closes <bridge>",
        sentences=(BriefSentence(text=text, sentence_id="abc:0", citations=(1,)),),
        sources=(Source(number=1, article_id="abc", source="a.txt", title="Storm"),),
        max_words=50,
        method="lead.v1",
    )


def test_report_embeds_exactly_the_brief_json() -> None:
    brief = _brief()
    page = brief_to_html(brief)
    assert _embedded(page) == brief.to_dict()
    assert 'data-mode="report"' in page
    assert "<title>Storm closes &lt;bridge&gt; — newsbrief</title>" in page


def test_report_is_self_contained() -> None:
    page = brief_to_html(_brief())
    # No external scripts, styles, images or fonts: the file must open offline.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)


def test_article_text_cannot_break_out_of_the_data_element() -> None:
    hostile = "Ends here </script><script>alert(1)</script> & <!-- more"
    page = brief_to_html(_brief(hostile))
    assert page.count("</script>") == 2  # the data element's and the code's own
    assert _embedded(page)["sentences"][0]["text"] == hostile  # type: ignore[index]


def test_embed_json_round_trips() -> None:
    data = {"a": "<b>&</b>", "u": "line\u2028sep", "n": [1, 2.5, None]}
    assert json.loads(embed_json(data)) == data
    assert "<" not in embed_json(data) and "&" not in embed_json(data)


def test_source_sentences_follow_sentence_ids() -> None:
    article = make_article("First sentence here. Second sentence follows.")
    by_id = source_sentences([article])
    assert by_id == {article.id: ["First sentence here.", "Second sentence follows."]}


def test_extra_sections_ride_along_when_present() -> None:
    data = _brief().to_dict()
    data["timeline"] = [{"date": "2024-06-11", "precision": "day", "text": "x", "citations": [1]}]
    page = render_page(data, mode="report")
    assert _embedded(page)["timeline"] == data["timeline"]


def test_render_page_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        render_page(None, mode="other")


def test_cli_writes_an_html_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief.html"
    code = main(["brief", str(ARTICLES), "--words", "60", "--format", "html", "-o", str(out)])
    assert code == 0
    page = out.read_text("utf-8")
    data = _embedded(page)
    assert data["sentences"] and len(data["sources"]) == 2  # type: ignore[arg-type]
    # The cited sentences can be shown in context: every sentence id resolves.
    sentences = data["source_sentences"]
    for sentence in data["sentences"]:  # type: ignore[attr-defined]
        article_id, position = sentence["sentence_id"].rsplit(":", 1)
        assert sentences[article_id][int(position)] == sentence["text"]  # type: ignore[index]
