from services.monitor.app import create_app
from services.monitor.settings import MonitorSettings
from shared.entrypoint import run

run(MonitorSettings, create_app)
