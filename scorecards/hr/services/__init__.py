"""HR's services, a module a subject: openings, candidates, schedules, reminders, reports."""
