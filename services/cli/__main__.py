from services.cli.main import app

app(prog_name="python -m services.cli")
