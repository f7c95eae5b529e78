"""The web layer: a FastAPI app over the care service (JSON API under ``/api``, FHIR R4 under
``/fhir``, OAuth2 password flow at ``/auth/token``)."""

from lupus.web.main import create_app as create_app
from lupus.web.settings import Settings as Settings

__all__ = ["Settings", "create_app"]
