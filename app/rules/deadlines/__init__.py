"""Durable deadlines: the clocks of the time-based conditions, fired by a background task.

A change that starts a condition's clock arms the rule's ``rule_deadlines`` row for the call
in its own transaction; a change that stops or resets the clock moves or disarms it there
too. ``claimer`` fires each row that comes due in a write transaction of its own under the
call's lock, exactly once however many workers poll and whatever restarts in between.
"""
