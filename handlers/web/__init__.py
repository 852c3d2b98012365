"""/web: personal one-time links to the web dashboard, and signing out of it."""
