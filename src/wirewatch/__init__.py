"""Wirewatch: watch news sources, keep every article and every change, and serve them to readers."""

__version__ = "0.1.0"
