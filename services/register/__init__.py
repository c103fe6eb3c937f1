"""Population-register (BRP) stand-in: the official RvIG test persons, served through
the Haal Centraal BRP Personen and BRP Bewoning interfaces. Start it with
`python -m services.register`; build it in code with `app.create_app()`."""
