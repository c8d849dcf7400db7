"""Validation runs once per distinct document, with the limits still applied."""

import uuid

from app.graphql.document_cache import DOCUMENTS
from tests.factories import Api


def test_a_document_seen_before_is_not_validated_again(api: Api) -> None:
    # Per-request limiter rules once made every request miss (#4635 upstream).
    query = f"{{ liveCalls {{ callId status }} }} # {uuid.uuid4()}"  # new to this process's cache
    before = DOCUMENTS.validations
    api.data(query)
    validations = DOCUMENTS.validations

    api.data(query)
    api.data(query)

    assert validations == before + 1
    assert DOCUMENTS.validations == validations


def test_the_alias_limit_still_applies_to_a_cached_document(api: Api) -> None:
    aliased = "{ " + " ".join(f"a{n}: __typename" for n in range(31)) + " }"
    api.error(aliased)

    error = api.error(aliased)

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in error["message"]
