"""The shipped call scripts: well formed, and every step a valid request for the schema."""

import pytest
from graphql import OperationDefinitionNode, parse, validate
from graphql.execution.values import get_variable_values

from app.graphql.schema import schema
from app.simulator.player import request_for
from app.simulator.script import SCRIPTS_DIR, Script, ScriptError, available, load
from app.simulator.script import parse as parse_script

SCRIPTS = [load(path) for path in available().values()]


def test_there_are_scripts_and_each_has_a_supervisor_bookmark() -> None:
    assert len(SCRIPTS) >= 3
    assert all(any(step.value == "BOOKMARK_MOMENT" for step in script.steps) for script in SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.name for script in SCRIPTS])
def test_every_step_of_a_script_is_a_valid_request(script: Script) -> None:
    graphql_schema = schema._schema
    for number, step in enumerate(script.steps, start=1):
        query, variables = request_for(step)
        document = parse(query)
        [operation] = document.definitions
        assert isinstance(operation, OperationDefinitionNode)

        assert validate(graphql_schema, document) == []
        coerced = get_variable_values(
            graphql_schema, operation.variable_definitions, {"callId": "c", **variables}
        )
        assert not isinstance(coerced, list), f"{script.name} step {number}: {coerced}"


def test_a_script_with_a_mistake_names_the_file_and_the_step() -> None:
    call = load(SCRIPTS_DIR / "quick-callback.json").call
    steps = [{"status": "RINGING"}, {"agent": "Hi", "sentimnet": "POSITIVE"}, {"end": True}]

    with pytest.raises(ScriptError, match=r"broken step 2: unknown key\(s\) \['sentimnet'\]"):
        parse_script("broken", {"call": call, "steps": steps})


def test_a_script_must_end_the_call() -> None:
    call = load(SCRIPTS_DIR / "quick-callback.json").call

    with pytest.raises(ScriptError, match="the last step is"):
        parse_script("endless", {"call": call, "steps": [{"status": "RINGING"}]})
