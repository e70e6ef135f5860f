"""Lambda packages: one reproducible zip per scheduled job, holding only what its handler imports."""
