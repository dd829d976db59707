"""The rules: pure functions of (history, policy, now). No I/O, no clock reads."""
