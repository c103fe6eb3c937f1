"""One module per role's pages, plus the login."""
