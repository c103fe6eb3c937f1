from services.placement.app import create_app
from services.placement.settings import PlacementSettings
from shared.entrypoint import run

run(PlacementSettings, create_app)
