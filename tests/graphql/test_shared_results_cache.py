"""The shared-results cache forgets: after its time-to-live, and beyond its size."""

from graphql import ExecutionResult, OperationDefinitionNode, OperationType, SelectionSetNode

from app.graphql.sharing import SharedResults

OPERATION = OperationDefinitionNode(operation=OperationType.SUBSCRIPTION, selection_set=SelectionSetNode())


def _executions(results: SharedResults, keys: list[str]) -> int:
    before = results.executions
    for key in keys:
        results.result(key, OPERATION, lambda key=key: ExecutionResult({"key": key}))
    return results.executions - before


def test_a_recent_result_is_reused() -> None:
    results = SharedResults(ttl=60)
    assert _executions(results, ["a", "a", "a"]) == 1


def test_an_expired_result_is_executed_again() -> None:
    results = SharedResults(ttl=0)
    assert _executions(results, ["a", "a"]) == 2


def test_the_cache_holds_at_most_its_size() -> None:
    results = SharedResults(ttl=60, size=10)
    _executions(results, [str(n) for n in range(100)])
    assert len(results) <= 10


def test_a_shared_result_is_encoded_once_and_an_unshared_one_not_at_all() -> None:
    results = SharedResults(ttl=60)
    result = results.result("a", OPERATION, lambda: ExecutionResult({"n": 1}))
    assert isinstance(result, ExecutionResult)
    assert results.encoded(result.data) == '{"n":1}'
    assert results.encoded(result.data) is results.encoded(result.data)
    assert results.encoded({"n": 1}) is None
