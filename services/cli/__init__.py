"""The chain's command line (Typer + Rich): `python -m services.cli --help`."""
