"""HR's area: openings, candidates and applications, schedules, the pipeline, reports."""
