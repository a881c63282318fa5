"""Full-text search: the query language, the index, and its backends."""
