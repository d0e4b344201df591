"""A minimal stand-in for the open_webui package: only what Open WebUI's migration files import."""
