from services.triage.app import create_app
from services.triage.settings import TriageSettings
from shared.entrypoint import run

run(TriageSettings, create_app)
