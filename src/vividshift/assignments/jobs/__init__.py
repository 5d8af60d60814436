"""Generation jobs: large generations in the background, and the runs of schedules."""
