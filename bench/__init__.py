"""The benchmark suite: real server processes on loopback, driven by concurrent clients.

Run it with ``scripts/bench`` (or ``python -m bench``); ``--smoke`` runs every
benchmark at a tiny size, which CI does so the suite cannot rot.
"""
