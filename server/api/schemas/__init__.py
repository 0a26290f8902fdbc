"""The API's marshmallow schemas, one module per area; views import from the modules."""
