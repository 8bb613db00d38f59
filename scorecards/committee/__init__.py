"""The hiring committee's area: the queue, a candidate's summary, the final decision."""
