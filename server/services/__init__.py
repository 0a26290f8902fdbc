"""Services: the logic behind the views, as plain functions."""
