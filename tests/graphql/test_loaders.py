"""A set of loaders makes each DataLoader on first use, then keeps it."""

from strawberry.dataloader import DataLoader

from app.core.db import Database
from app.graphql.loaders import Loaders


def test_a_new_set_of_loaders_holds_no_dataloader(db: Database) -> None:
    loaders = Loaders(db)

    assert not [value for value in vars(loaders).values() if isinstance(value, DataLoader)]


def test_a_loader_is_made_once_per_set_so_its_loads_batch(db: Database) -> None:
    loaders = Loaders(db)

    assert loaders.sentiment is loaders.sentiment
    assert loaders.transcripts is loaders.transcripts
