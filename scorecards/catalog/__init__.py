"""The rubric and loop catalog: files in rubrics/ stored as immutable versions."""
