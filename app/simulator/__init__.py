"""A call simulator: plays scripted calls against a running server through its public GraphQL API.

Scripts are JSON files in ``app/simulator/scripts/`` (see ``script.py`` for the format).
Run ``python -m app simulate --help``.
"""
