from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from shared.entrypoint import run

run(NotificationsSettings, create_app)
