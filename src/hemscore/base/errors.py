"""One exception root for everything hemscore reports to a user.

Every error knows the file it is about and, where it can, the line and the key path, so the
CLI can print ``path:line: key: message`` on one line and exit with code 2.
"""

from __future__ import annotations

from collections.abc import Iterable

from hemscore.base.safe_text import one_line


class HemscoreError(Exception):
    """A problem with the user's input, rules or usage (exit code 2)."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.key = key

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = [p for p in (where, self.key) if p]
        # A file name, key or value may hold a line break or an escape sequence: shown as
        # escapes, so one problem stays one line and cannot forge another.
        return one_line(": ".join([*parts, self.message]))

    def lines(self) -> list[str]:
        """The error as one line per problem."""
        return [str(self)]


class ProfileError(HemscoreError):
    """A profile that cannot be read or does not validate."""


class RuleError(HemscoreError):
    """A rule file or metric declaration that cannot be read or does not validate."""


class UsageError(HemscoreError):
    """Options that do not fit together."""


class ValidationErrors(HemscoreError):
    """Several problems found in one file, reported all at once."""

    def __init__(self, problems: Iterable[HemscoreError]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        super().__init__(first.message, path=first.path, line=first.line, key=first.key)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean "x"?)' suffix when a close choice exists, else ''.

    A choice that differs only in case or in leading zeros of a number (``te-3`` for ``TE-03``)
    comes first; otherwise the closest by difflib's ratio.
    """
    import difflib
    import re

    options = list(choices)

    def plain(s: str) -> str:
        return re.sub(r"\d+", lambda m: str(int(m.group())), s.casefold())

    same = [c for c in options if plain(c) == plain(word) and c != word]
    matches = same or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f' (did you mean "{matches[0]}"?)' if matches else ""


class ProfileErrors(ValidationErrors, ProfileError):
    """Several problems found in one profile."""
