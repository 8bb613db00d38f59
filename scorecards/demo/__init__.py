"""Demo data: a realistic opening with candidates at every stage of the loop."""
