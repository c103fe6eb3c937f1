"""The ZGW Notificaties API 1.0 facade (docs/adr/0019): kanalen and abonnementen as Open
Notificaties serves them, so a municipality's zaaksysteem subscribes without custom code.

- `kanalen`: the chain's kanalen, their kenmerken and the filters on them (pure).
- `notificatie`: an event of the chain as the notificatie body the standard defines (pure).
- `api`, `schemas`, `problems`: the HTTP resources, under `BASE_PATH`.
- `callback`: the test notification a callback must accept before it is stored.
- `fanout`: one delivery per matching abonnement, sent by the chain's own deliverer.
"""

BASE_PATH = "/notificaties/api/v1"
