"""HR's and admins' analytics: how far interview panels agree, rubric by rubric."""
