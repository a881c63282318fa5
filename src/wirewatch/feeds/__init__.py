"""What leaves Wirewatch for other tools: RSS/Atom/JSON feeds, OPML of the sources, the export page."""
