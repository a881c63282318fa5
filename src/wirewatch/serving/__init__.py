"""Serving the web UI and API in production (granian), and the one-command demo."""
