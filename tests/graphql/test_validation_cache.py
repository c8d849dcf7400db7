"""Validation runs once per distinct document, with the limits still applied."""

from strawberry.extensions.validation_cache import _get_validate_cache

from tests.factories import Api


def test_a_document_seen_before_is_not_validated_again(api: Api) -> None:
    # The LRU behind ValidationCache(maxsize=1_000): private to strawberry, but the only way
    # to see a miss. Per-request limiter rules once made every request miss (#4635 upstream).
    validate = _get_validate_cache(1_000)
    query = "{ liveCalls { callId status } }"
    api.data(query)
    misses = validate.cache_info().misses

    api.data(query)
    api.data(query)

    assert validate.cache_info().misses == misses


def test_the_alias_limit_still_applies_to_a_cached_document(api: Api) -> None:
    aliased = "{ " + " ".join(f"a{n}: __typename" for n in range(31)) + " }"
    api.error(aliased)

    error = api.error(aliased)

    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in error["message"]
