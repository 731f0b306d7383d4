"""Errors newsbrief raises on purpose, each with a one-line message for people."""

from __future__ import annotations


class NewsbriefError(Exception):
    """Base class of every error newsbrief raises deliberately."""


class InputError(NewsbriefError):
    """One input (file, URL, text) could not be used; other inputs may still be fine."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class NoUsableInputError(NewsbriefError):
    """Nothing usable was left after reading and cleaning every input."""

    def __init__(self, problems: tuple[InputError, ...] = ()) -> None:
        detail = f" ({len(problems)} input(s) skipped)" if problems else ""
        super().__init__(f"no usable article text in the input{detail}")
        self.problems = problems


class MissingExtraError(NewsbriefError):
    """An optional dependency is not installed; the message says how to get it."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"this feature needs the '{module}' package: pip install 'newsbrief[{extra}]'"
        )
