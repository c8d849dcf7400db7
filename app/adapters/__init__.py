"""Every use of a library's private or internal API, one module per library.

A module here is named after the library it adapts (``app.adapters.aiosqlite``
for aiosqlite) and imports that library absolutely, so ``import aiosqlite`` in it
is the library. Its docstring says which internals it uses, why, and the exact
version it was written for; ``tests/adapters/test_<library>.py`` checks that the
installed version is in the tested range and exercises each internal, so an
upgrade that moves one fails there, loudly, instead of somewhere downstream.

The rest of the app imports internals only from here. Adapters import libraries
only, never ``app``: they sit below every other package.

When a test here fails after an upgrade: re-read the internal it names in the
new version, adjust the adapter, and move the range in ``pyproject.toml`` and in
the test together.
"""
