"""HTTP API blueprints, one per audience or resource."""
