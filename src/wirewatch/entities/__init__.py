"""People, organisations and places, their aliases across scripts, and their mentions."""
