"""Pure decisions of the notifications service: no I/O, no clock reads (callers pass `now`)."""
