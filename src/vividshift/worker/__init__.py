"""Background work on the procrastinate queue (PostgreSQL-backed; its tables are in our
migrations): the task app that registers every domain's `tasks.py`, `vividshift worker`
and the job-queue metrics."""
