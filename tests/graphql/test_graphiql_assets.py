"""The vendored GraphiQL and React are the releases scripts/vendor-graphiql fetched, unmodified."""

import hashlib

from app.graphql.graphiql import ASSETS
from tests.scaled import store_independent

pytestmark = store_independent


def test_the_vendored_graphiql_files_match_their_pinned_checksums() -> None:
    pinned = dict(reversed(line.split("  ", 1)) for line in (ASSETS / "SHA256SUMS").read_text().splitlines())
    served = {path.name for path in ASSETS.iterdir()} - {"SHA256SUMS", "VERSIONS"}

    assert set(pinned) == served
    assert {name: hashlib.sha256((ASSETS / name).read_bytes()).hexdigest() for name in pinned} == pinned
