"""Rules and alerts: conditions evaluated inside the write that trips them, alerts raised on the call.

Rules are rows; a process compiles the enabled ones once per rule version (``ruleset``) and
every write's events are run past them before the write commits (``evaluate``), so an alert
is in the same transaction as the line or value that raised it.
"""
