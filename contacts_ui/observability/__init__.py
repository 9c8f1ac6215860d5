"""What IT needs to run the dashboard: Prometheus metrics and JSON logs with request ids."""
