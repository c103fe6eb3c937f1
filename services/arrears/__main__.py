from services.arrears.app import create_app
from services.arrears.settings import ArrearsSettings
from shared.entrypoint import run

run(ArrearsSettings, create_app)
