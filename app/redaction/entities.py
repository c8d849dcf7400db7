"""The kinds of sensitive data a line may hold: Amazon Transcribe's PII entity types, by name."""

from enum import StrEnum


class Entity(StrEnum):
    CREDIT_DEBIT_NUMBER = "CREDIT_DEBIT_NUMBER"
    CREDIT_DEBIT_CVV = "CREDIT_DEBIT_CVV"
    CREDIT_DEBIT_EXPIRY = "CREDIT_DEBIT_EXPIRY"
    PIN = "PIN"
    SSN = "SSN"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    BANK_ACCOUNT_NUMBER = "BANK_ACCOUNT_NUMBER"
    BANK_ROUTING = "BANK_ROUTING"


PCI_AND_SSN = frozenset(
    {Entity.CREDIT_DEBIT_NUMBER, Entity.CREDIT_DEBIT_CVV, Entity.CREDIT_DEBIT_EXPIRY, Entity.PIN, Entity.SSN}
)
"""Redacted with no configuration at all."""
