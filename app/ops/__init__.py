"""Running the service in production: health, readiness, metrics, logs, shutdown."""
