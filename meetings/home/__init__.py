"""Home page, dashboard, language choice and the health check."""
