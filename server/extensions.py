"""Extension singletons, bound to the app in create_app with init_app."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from .errors import ErrorResponse


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
api.ERROR_SCHEMA = ErrorResponse  # document our one error shape, not smorest's default
limiter = Limiter(key_func=get_remote_address, default_limits=[])
