"""The pipeline: an ordered list of named stages a user can inspect and change.

Stages come in four kinds, and run in this order of kinds:

* ``article`` stages: ``run(article) -> tuple[Article, ...]`` (clean, split, drop);
* ``story`` stages: ``run(story) -> Story`` (support, later enrichments of the story);
* one ``summarizer``: ``summarize(story, budget) -> Selection``;
* ``brief`` stages: ``run(story, brief) -> Brief`` (timeline, entities, ...).

Between the article and story kinds the articles are put in a canonical order
and split into sentences; after the summarizer, ``attribute`` builds the cited
brief. A stage's kind is read from its ``kind`` class attribute, or from which
method it has (``summarize`` for summarizers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from newsbrief.attribute import attribute
from newsbrief.clean import BoilerplateCleaner, TextCleaner
from newsbrief.dedup import NearDuplicates, SentenceSupport
from newsbrief.disagree import DisagreementStage
from newsbrief.entities import EntityStage
from newsbrief.errors import InputError, NoUsableInputError
from newsbrief.ingest import DEFAULT_MAX_BYTES, InputLike, ReadOptions, ReadResult, read_inputs
from newsbrief.model import Article, Brief, Budget, Skipped, Story, stable_id
from newsbrief.nonarticle import NonArticleFilter
from newsbrief.registry import Registry, summarizers
from newsbrief.split import OffTopicFilter, PostSplitter
from newsbrief.summarize import NewsbriefSummarizer
from newsbrief.text import article_sentences
from newsbrief.timeline import TimelineStage

_KIND_ORDER = {"article": 0, "story": 1, "summarizer": 2, "brief": 3}

#: Stage factories by versioned name, for ``Pipeline.from_config``.
stages: Registry[Callable[..., object]] = Registry("stage")
stages.register(TextCleaner.name)(TextCleaner)
stages.register(NonArticleFilter.name)(NonArticleFilter)
stages.register(BoilerplateCleaner.name)(BoilerplateCleaner)
stages.register(SentenceSupport.name)(SentenceSupport)
stages.register(PostSplitter.name)(PostSplitter)
stages.register(OffTopicFilter.name)(OffTopicFilter)
stages.register(NearDuplicates.name)(NearDuplicates)
stages.register(TimelineStage.name)(TimelineStage)
stages.register(EntityStage.name)(EntityStage)
stages.register(DisagreementStage.name)(DisagreementStage)


def stage_kind(stage: object) -> str:
    """Which kind of stage this is: article, story, summarizer or brief."""
    kind = getattr(stage, "kind", None)
    if kind in _KIND_ORDER:
        return str(kind)
    if hasattr(stage, "summarize"):
        return "summarizer"
    if isinstance(stage, TextCleaner):
        return "article"
    if isinstance(stage, SentenceSupport):
        return "story"
    raise TypeError(f"cannot tell what kind of stage {stage!r} is; give it a 'kind' attribute")


def canonical_order(articles: Iterable[Article]) -> tuple[Article, ...]:
    """Articles by date (undated last), then id: the same set always gives the same order."""
    return tuple(sorted(articles, key=lambda a: (a.date is None, a.date or "", a.id)))


def build_story(articles: Iterable[Article]) -> Story:
    """A story of these articles, in canonical order, split into sentences."""
    ordered = canonical_order(articles)
    sentences = tuple(s for article in ordered for s in article_sentences(article))
    return Story(id=stable_id(*(a.id for a in ordered)), articles=ordered, sentences=sentences)


@dataclass(frozen=True, slots=True)
class Pipeline:
    """Named stages run in order (see the module docstring).

    >>> Pipeline.default().names
    ('split', 'clean', 'non-article', 'duplicates', 'off-topic', 'support', 'summarize', 'timeline', 'entities', 'disagreements')
    """

    steps: tuple[tuple[str, Any], ...]

    def __post_init__(self) -> None:
        names = [name for name, _ in self.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"stage names must be unique: {names}")
        ranks = [_KIND_ORDER[stage_kind(stage)] for _, stage in self.steps]
        if ranks != sorted(ranks):
            raise ValueError("stages must run article, story, summarizer, brief kinds in order")
        if ranks.count(_KIND_ORDER["summarizer"]) != 1:
            raise ValueError("a pipeline needs exactly one summarizer stage")

    @classmethod
    def default(cls) -> Pipeline:
        """Split multi-post pages, clean, drop non-articles (failed downloads, notices),
        mark copies, drop off-topic articles, mark cross-source support, summarize
        with newsbrief's summarizer, then add the timeline, entities and disagreements."""
        return cls(
            steps=(
                ("split", PostSplitter()),
                ("clean", BoilerplateCleaner()),
                ("non-article", NonArticleFilter()),
                ("duplicates", NearDuplicates()),
                ("off-topic", OffTopicFilter()),
                ("support", SentenceSupport()),
                ("summarize", NewsbriefSummarizer()),
                ("timeline", TimelineStage()),
                ("entities", EntityStage()),
                ("disagreements", DisagreementStage()),
            )
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Pipeline:
        """Build from ``{"stages": [{"name": ..., "factory": "text-rules.v1", ...fields}]}``.

        Keys other than ``name`` and ``factory`` are the stage dataclass's fields.
        """
        steps = []
        for entry in config.get("stages", ()):
            settings = dict(entry)
            name = settings.pop("name")
            factory_name = settings.pop("factory")
            factory = (
                summarizers.get(factory_name)
                if factory_name in summarizers
                else stages.get(factory_name)
            )
            steps.append((name, factory(**settings)))
        return cls(steps=tuple(steps))

    def to_config(self) -> dict[str, Any]:
        """The config that ``from_config`` turns back into this pipeline."""
        entries = []
        for name, stage in self.steps:
            entry: dict[str, Any] = {"name": name, "factory": stage.name}
            entry.update({f.name: getattr(stage, f.name) for f in fields(stage)})
            entries.append(entry)
        return {"stages": entries}

    @property
    def names(self) -> tuple[str, ...]:
        """Stage names in run order (like spaCy's ``pipe_names``)."""
        return tuple(name for name, _ in self.steps)

    def get(self, name: str) -> Any:
        """The stage called ``name``."""
        for step_name, stage in self.steps:
            if step_name == name:
                return stage
        raise KeyError(f"no stage named {name!r}; stages: {', '.join(self.names)}")

    def replace(self, name: str, stage: Any) -> Pipeline:
        """A copy with the stage called ``name`` swapped for ``stage``."""
        self.get(name)
        return Pipeline(tuple((n, stage if n == name else s) for n, s in self.steps))

    def insert_before(self, name: str, new_name: str, stage: Any) -> Pipeline:
        """A copy with ``stage`` (called ``new_name``) inserted before stage ``name``."""
        index = self.names.index(name)
        return Pipeline((*self.steps[:index], (new_name, stage), *self.steps[index:]))

    def insert_after(self, name: str, new_name: str, stage: Any) -> Pipeline:
        """A copy with ``stage`` (called ``new_name``) inserted after stage ``name``."""
        index = self.names.index(name) + 1
        return Pipeline((*self.steps[:index], (new_name, stage), *self.steps[index:]))

    def remove(self, name: str) -> Pipeline:
        """A copy without the stage called ``name``."""
        self.get(name)
        return Pipeline(tuple((n, s) for n, s in self.steps if n != name))

    @property
    def summarizer(self) -> Any:
        """The pipeline's summarizer stage."""
        return next(s for _, s in self.steps if stage_kind(s) == "summarizer")

    def _of_kind(self, kind: str) -> list[Any]:
        return [stage for _, stage in self.steps if stage_kind(stage) == kind]

    def clean(self, articles: Iterable[Article]) -> tuple[tuple[Article, ...], tuple[Skipped, ...]]:
        """Run the article stages; articles left with no text are reported as skipped."""
        current = list(articles)
        skipped: list[Skipped] = []
        for stage in self._of_kind("article"):
            produced: list[Article] = []
            # A stage with ``run_many`` sees the whole batch (to learn outlet templates, say).
            outputs = (
                stage.run_many(current)
                if hasattr(stage, "run_many")
                else [stage.run(a) for a in current]
            )
            for article, out in zip(current, outputs, strict=True):
                if not out:
                    # A stage that can say why it dropped an article (e.g. "not an
                    # article: web-archive notice") is asked; others get the generic reason.
                    reason = (
                        stage.skip_reason(article)
                        if hasattr(stage, "skip_reason")
                        else "no article text left after cleaning"
                    )
                    skipped.append(Skipped(source=article.source, reason=reason))
                produced.extend(out)
            current = produced
        return tuple(current), tuple(skipped)

    def run_story(self, story: Story, budget: Budget, *, skipped: Iterable[Skipped] = ()) -> Brief:
        """Story stages, summarizer, attribution and brief stages on one story."""
        for stage in self._of_kind("story"):
            story = stage.run(story)
        # Articles a story stage took out (off-topic, say) are reported like unreadable inputs.
        skipped = sorted((*skipped, *story.dropped), key=lambda s: s.source)
        summarizer = self.summarizer
        selection = summarizer.summarize(story, budget)
        brief = attribute(
            story,
            selection,
            max_words=budget.max_words,
            method=summarizer.name,
            skipped=tuple(skipped),
        )
        for stage in self._of_kind("brief"):
            brief = stage.run(story, brief)
        return brief

    def run(
        self,
        inputs: Iterable[InputLike],
        *,
        words: int = 150,
        max_bytes: int = DEFAULT_MAX_BYTES,
        read_options: ReadOptions | None = None,
    ) -> Brief:
        """Read, clean and brief the inputs as one story.

        Unusable inputs are listed in ``Brief.skipped``; raises
        ``NoUsableInputError`` when nothing usable is left. ``read_options``
        (URL limits, corpus column names, ...) default to ``ReadOptions(max_bytes=max_bytes)``.
        """
        read = read_inputs(inputs, max_bytes=max_bytes, options=read_options)
        return self.run_read(read, words=words)

    def run_read(self, read: ReadResult, *, words: int = 150) -> Brief:
        """Brief what ``read_inputs`` returned (its problems become ``Brief.skipped``)."""
        budget = Budget(max_words=words)
        articles, dropped = self.clean(read.articles)
        skipped = [Skipped(source=p.source, reason=p.reason) for p in read.problems]
        skipped += dropped
        if not articles:
            problems = tuple(InputError(s.source, s.reason) for s in skipped)
            raise NoUsableInputError(problems)
        story = build_story(articles)
        if not story.sentences:
            raise NoUsableInputError(tuple(InputError(s.source, s.reason) for s in skipped))
        return self.run_story(story, budget, skipped=sorted(skipped, key=lambda s: s.source))

    def with_settings(self, name: str, **settings: Any) -> Pipeline:
        """A copy whose stage ``name`` has some fields changed (``dataclasses.replace``)."""
        return self.replace(name, replace(self.get(name), **settings))


def brief(
    inputs: Iterable[InputLike] | InputLike,
    *,
    words: int = 150,
    pipeline: Pipeline | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Brief:
    """Brief a pile of articles about one story.

    ``inputs`` are file paths, directories, article texts or ``Article`` objects
    (a single one is accepted too). ``words`` is the summary budget: whole
    sentences only, never over.

    >>> from newsbrief import brief                       # doctest: +SKIP
    >>> b = brief(["a.txt", "b.txt"], words=100)          # doctest: +SKIP
    >>> print(b.to_markdown())                            # doctest: +SKIP
    """
    if isinstance(inputs, (str, Article)) or hasattr(inputs, "__fspath__"):
        inputs = [inputs]  # type: ignore[list-item]
    return (pipeline or Pipeline.default()).run(inputs, words=words, max_bytes=max_bytes)  # type: ignore[arg-type]
