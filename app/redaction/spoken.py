"""Numbers as speech-to-text writes them: digits, grouped or spaced, and spelled out.

"4111 1111-1111 1111", "four one one one", "double four", "oh" for zero: each
becomes one run of digits that remembers where in the text every digit came
from, so a detector can work on the digits and a redactor can replace exactly
the words that spoke them.
"""

import re
from dataclasses import dataclass

WORD_DIGITS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
TEENS = {
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
TENS = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
""""twenty seven" is 27, "twenty" alone 20: how years and expiry dates are read."""
REPEATS = {"double": 2, "triple": 3}
ZERO_WORDS = frozenset({"oh", "o"})
"""Zero only between other digits: "oh, I see" is not a number."""

SEPARATORS = frozenset({"-", ".", ",", "/"})
NUMBER_WORDS = frozenset({*WORD_DIGITS, *TEENS, *TENS, *REPEATS})
NUMBER_WORD = r"\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b"
NUMBERISH = re.compile(r"\d|" + NUMBER_WORD, re.IGNORECASE)
"""A line that matches nothing of this says no number at all: most speech."""
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")
_ONLY_A_NUMBER_WORD = re.compile(r"(?:" + "|".join(NUMBER_WORDS) + r")", re.IGNORECASE)
_LONGEST = max(map(len, NUMBER_WORDS))


def says_a_number(text: str) -> bool:
    """Whether ``NUMBERISH`` finds anything in ``text``, at a third of its cost.

    ``\bword\b`` matches exactly the maximal runs of word characters equal to the word, so
    each run is looked up whole: an ASCII one by its lower case (ASCII letters fold only to
    each other), any other through the same case-insensitive pattern, anchored. The scan
    tried twenty-eight alternatives at every position of every line.
    """
    if _DIGIT.search(text) is not None:
        return True
    for word in _WORD.findall(text):
        if len(word) <= _LONGEST and (
            word.lower() in NUMBER_WORDS if word.isascii() else _ONLY_A_NUMBER_WORD.fullmatch(word)
        ):
            return True
    return False


TOKEN = re.compile(r"\d+|[A-Za-z]+|\S")


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive digits of a text, each with the span of the word that spoke it."""

    digits: str
    spans: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]

    def span_of(self, first: int, last: int) -> tuple[int, int]:
        """The text span that spoke digits ``first`` to ``last`` (inclusive)."""
        return self.spans[first][0], self.spans[last][1]


def runs(text: str) -> list[Run]:
    """Every run of digits in ``text``, in order."""
    if not says_a_number(text):
        return []
    matches = TOKEN.finditer(text)
    for first in matches:  # the tokens before the first that says a digit close nothing: skipped
        token = first.group()
        if token.isdigit() or token.lower() in NUMBER_WORDS:
            break
    else:
        return []
    tokens = [(token, first.start(), first.end())]
    tokens += [(match.group(), match.start(), match.end()) for match in matches]
    found: list[Run] = []
    digits: list[str] = []
    spans: list[tuple[int, int]] = []
    pending_zero: list[tuple[int, int]] = []
    repeat = 1
    repeat_start = 0

    def close() -> None:
        nonlocal repeat
        if digits:
            found.append(Run("".join(digits), tuple(spans)))
        digits.clear()
        spans.clear()
        pending_zero.clear()
        repeat = 1

    for index, (token, start, end) in enumerate(tokens):
        word = token.lower()
        if word not in NUMBER_WORDS and token not in SEPARATORS and not token.isdigit():
            if digits or pending_zero or repeat != 1:  # what the last branch does, for most words
                close()
            continue
        if token.isdigit():
            _flush_zeros(pending_zero, digits, spans)
            if repeat > 1 and len(token) == 1:
                digits.extend(token * repeat)
                spans.extend([(repeat_start, end)] * repeat)
            else:
                digits.extend(token)
                spans.extend((start + n, start + n + 1) for n in range(len(token)))
            repeat = 1
        elif word in ZERO_WORDS:
            if digits or _next_is_digit(tokens, index):
                pending_zero.append((start, end))
            else:
                close()
        elif word in WORD_DIGITS:
            _flush_zeros(pending_zero, digits, spans)
            digits.extend(WORD_DIGITS[word] * repeat)
            spans.extend([(repeat_start if repeat > 1 else start, end)] * repeat)
            repeat = 1
        elif word in TEENS:
            _flush_zeros(pending_zero, digits, spans)
            digits.extend(TEENS[word])
            spans.extend([(start, end)] * 2)
        elif word in TENS:
            _flush_zeros(pending_zero, digits, spans)
            unit = tokens[index + 1][0].lower() if index + 1 < len(tokens) else ""
            digits.append(TENS[word])
            spans.append((start, end))
            if unit in WORD_DIGITS and unit not in ZERO_WORDS and unit != "zero":
                continue
            digits.append("0")
            spans.append((start, end))
        elif word in REPEATS and _next_is_digit(tokens, index):
            _flush_zeros(pending_zero, digits, spans)
            repeat = REPEATS[word]
            repeat_start = start
        elif token in SEPARATORS and digits:
            continue
        else:
            close()
    _flush_zeros(pending_zero, digits, spans)
    close()
    return found


def _flush_zeros(pending: list[tuple[int, int]], digits: list[str], spans: list[tuple[int, int]]) -> None:
    for span in pending:
        digits.append("0")
        spans.append(span)
    pending.clear()


def _next_is_digit(tokens: list[tuple[str, int, int]], index: int) -> bool:
    for token, _, _ in tokens[index + 1 : index + 3]:
        word = token.lower()
        if token.isdigit() or word in WORD_DIGITS or word in REPEATS or word in TEENS or word in TENS:
            return True
        if token not in SEPARATORS:
            return False
    return False
