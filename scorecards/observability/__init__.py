"""What operators watch: JSON logs with request ids, Prometheus metrics, error reports.

create_app wires logs, metrics and reporting one by one; nothing is imported here, so the
job runner can count into instruments.py without loading the rest.
"""
