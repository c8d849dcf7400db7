"""The schema's names: Strawberry's camelCase, each Python name converted once.

Strawberry converts every argument's name again on every resolver call
(``convert_arguments`` asks the name converter for each): for a mutation with
nine arguments that was a sixth of the argument handling of every append.
The names are the schema's own, so the cache holds as many as the schema has.
"""

from functools import lru_cache

from strawberry.schema.name_converter import NameConverter


@lru_cache(maxsize=4_096)
def _camel(name: str) -> str:
    return NameConverter().apply_naming_config(name)


class CachedNames(NameConverter):
    """``NameConverter`` with ``auto_camel_case`` (the default), remembering each conversion."""

    def apply_naming_config(self, name: str) -> str:
        return _camel(name)
