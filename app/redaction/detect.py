"""Where a line of speech holds sensitive data, by kind.

Numbers are checked the way their issuers define them, with kept libraries:
card numbers by their Luhn checksum, SSNs, IBANs and routing numbers by
``python-stdnum``, phone numbers by ``phonenumbers`` (Google's libphonenumber).
Numbers that have no checksum (CVV, expiry, PIN, account numbers) are taken
only right after the words that announce them ("security code", "expires").
Ordinary numbers (prices, times, dates, order numbers) match none of these.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from stdnum import iban, luhn
from stdnum.us import rtn, ssn

from app.redaction.entities import Entity
from app.redaction.spoken import Run, runs

CONTEXT_WORDS = 8
"""How many words before a number its announcing words may stand."""

CONTEXTS: dict[Entity, re.Pattern[str]] = {
    Entity.CREDIT_DEBIT_CVV: re.compile(
        r"\b(security code|cvv2?|cvc2?|card verification|verification (code|number)|"
        r"three digits|four digits|back of (the|your) card)\b"
    ),
    Entity.CREDIT_DEBIT_EXPIRY: re.compile(r"\b(expir\w*|exp date|valid (thru|through|until))\b"),
    Entity.PIN: re.compile(r"\bpin( number| code)?\b"),
    Entity.SSN: re.compile(r"\b(social security|social|ssn)\b"),
    Entity.BANK_ROUTING: re.compile(r"\b(routing|aba|transit)( number)?\b"),
    Entity.BANK_ACCOUNT_NUMBER: re.compile(r"\b(account|acct)( number| no)?\b"),
}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
IBAN_CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
SSN_WRITTEN = re.compile(r"^\d{3}[- ]\d{2}[- ]\d{4}$")
MONTHS = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\b"
)


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    entity: Entity
    digits: str = ""


def find(text: str, entities: frozenset[Entity], *, region: str = "US") -> list[Found]:
    """Every sensitive span of ``text`` of the kinds in ``entities``, without overlaps, in order."""
    numbers = runs(text)
    if not numbers:  # no digit and no number word: only an email address is left to find
        if Entity.EMAIL in entities and "@" in text:
            return [Found(m.start(), m.end(), Entity.EMAIL) for m in EMAIL.finditer(text)]
        return []
    lowered = text.lower()
    found: list[Found] = []
    accounts = _ibans(text) if Entity.BANK_ACCOUNT_NUMBER in entities else []
    if Entity.CREDIT_DEBIT_NUMBER in entities:
        found += _cards(numbers)
    for run in numbers:
        before = lowered[max(0, run.start - 80) : run.start]
        found += _announced(run, before, entities, text)
    if Entity.PHONE in entities and _phone_candidates(numbers, [*accounts, *found]):
        found += _phones(text, numbers, region)
    if Entity.EMAIL in entities and "@" in text:
        found += [Found(m.start(), m.end(), Entity.EMAIL) for m in EMAIL.finditer(text)]
    return _without_overlaps(accounts, found)


def card_digits(digits: str) -> tuple[int, int] | None:
    """The longest stretch of ``digits`` (start, end) that is a card number, if any."""
    for length in range(min(19, len(digits)), 12, -1):
        for start in range(len(digits) - length + 1):
            candidate = digits[start : start + length]
            if candidate[0] in "2345679" and luhn.is_valid(candidate):
                return start, start + length
    return None


def _cards(numbers: Iterable[Run]) -> list[Found]:
    found = []
    for run in numbers:
        if 13 <= len(run.digits) <= 40:
            stretch = card_digits(run.digits)
            if stretch is not None:
                start, end = run.span_of(stretch[0], stretch[1] - 1)
                found.append(
                    Found(start, end, Entity.CREDIT_DEBIT_NUMBER, run.digits[stretch[0] : stretch[1]])
                )
    return found


def _announced(run: Run, before: str, entities: frozenset[Entity], text: str) -> list[Found]:
    """Numbers without a checksum of their own, taken right after the words that announce them."""
    words = " ".join(before.split()[-CONTEXT_WORDS:])
    digits = run.digits

    def near(entity: Entity) -> bool:
        return entity in entities and CONTEXTS[entity].search(words) is not None

    def hit(entity: Entity) -> list[Found]:
        return [Found(run.start, run.end, entity, digits)]

    if len(digits) == 9 and Entity.SSN in entities and ssn.is_valid(digits):
        if near(Entity.SSN) or SSN_WRITTEN.match(text[run.start : run.end]):
            return hit(Entity.SSN)
    if len(digits) == 9 and near(Entity.BANK_ROUTING) and rtn.is_valid(digits):
        return hit(Entity.BANK_ROUTING)
    if len(digits) in (3, 4) and near(Entity.CREDIT_DEBIT_CVV):
        return hit(Entity.CREDIT_DEBIT_CVV)
    if near(Entity.CREDIT_DEBIT_EXPIRY) and (len(digits) in (3, 4, 6) or MONTHS.search(words)):
        return hit(Entity.CREDIT_DEBIT_EXPIRY)
    if 4 <= len(digits) <= 6 and near(Entity.PIN):
        return hit(Entity.PIN)
    if 6 <= len(digits) <= 17 and near(Entity.BANK_ACCOUNT_NUMBER):
        return hit(Entity.BANK_ACCOUNT_NUMBER)
    return []


def _ibans(text: str) -> list[Found]:
    return [
        Found(m.start(), m.end(), Entity.BANK_ACCOUNT_NUMBER)
        for m in IBAN_CANDIDATE.finditer(text)
        if iban.is_valid(m.group())
    ]


def _phone_candidates(numbers: list[Run], found: list[Found]) -> bool:
    """Whether a run long enough for a phone number is left: libphonenumber's matcher is the
    costliest detector by far (about 1 ms on a line with a card number), so it runs only then."""
    return any(
        len(run.digits) >= 7 and all(run.end <= f.start or run.start >= f.end for f in found)
        for run in numbers
    )


def _phones(text: str, numbers: list[Run], region: str) -> list[Found]:
    """libphonenumber over the text with spelled digits written as digits, mapped back."""
    written, starts, ends = _digits_written(text, numbers)
    return [
        Found(starts[match.start], ends[match.end - 1], Entity.PHONE)
        for match in phonenumbers.PhoneNumberMatcher(written, region, leniency=phonenumbers.Leniency.VALID)
    ]


def _digits_written(text: str, numbers: list[Run]) -> tuple[str, list[int], list[int]]:
    """``text`` with every spoken digit (its ``runs``) as a digit, and the span each character
    came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cursor = 0
    for run in numbers:
        for char, (start, end) in zip(run.digits, run.spans, strict=True):
            if start >= cursor:
                out.extend(text[cursor:start])
                starts.extend(range(cursor, start))
                ends.extend(range(cursor + 1, start + 1))
                cursor = end
            out.append(char)
            starts.append(start)
            ends.append(end)
    out.extend(text[cursor:])
    starts.extend(range(cursor, len(text)))
    ends.extend(range(cursor + 1, len(text) + 1))
    return "".join(out), starts, ends


PRIORITY = {
    Entity.CREDIT_DEBIT_NUMBER: 0,
    Entity.SSN: 1,
    Entity.BANK_ACCOUNT_NUMBER: 2,
    Entity.BANK_ROUTING: 3,
    Entity.CREDIT_DEBIT_CVV: 4,
    Entity.CREDIT_DEBIT_EXPIRY: 5,
    Entity.PIN: 6,
    Entity.PHONE: 7,
    Entity.EMAIL: 8,
}


def _without_overlaps(first: list[Found], found: list[Found]) -> list[Found]:
    """``first`` (checksummed IBANs) wins over everything, then by ``PRIORITY``."""
    kept: list[Found] = list(first)
    for candidate in sorted(found, key=lambda f: (PRIORITY[f.entity], f.start)):
        if all(candidate.end <= other.start or candidate.start >= other.end for other in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda f: f.start)
