"""Use cases: what the CLI and the TUI both call, each one transaction.

Split by area; each module takes a ``Store`` and returns model objects or
plain reports. No SQL here (the store has it), no printing (the front ends
decide how to show a result).
"""
