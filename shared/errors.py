"""Domain errors a use case raises, mapped to HTTP once (shared.http.install), so a
route only calls its use case and returns the view.

| error | status | body |
|---|---|---|
| `NotFound` | 404 | `{"detail": message}`; also for an object the caller may not see (docs/adr/0011) |
| `Conflict` | 409 | `{"detail": message}` |
| `FieldConflict` | 409 | `{"detail": [{"loc": [location, field], "msg": message, "type": "conflict"}]}`, the shape of a validation error |

The message is the response's detail: write it for the client, never with personal data.
"""

from __future__ import annotations


class NotFound(LookupError):
    """No such object, or not one the caller may see: the same answer for both."""


class Conflict(RuntimeError):
    """Well-formed, but the object's current state does not allow it."""


class FieldConflict(Conflict):
    """Well-formed, but one field clashes with the current state: of the body sent, or
    (location "request", say) of the object it is about. Named like a validation error,
    so clients find the offending field the same way."""

    def __init__(self, field: str, message: str, location: str = "body"):
        super().__init__(message)
        self.field = field
        self.location = location
