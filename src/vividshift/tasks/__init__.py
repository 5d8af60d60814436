"""Background work on the procrastinate queue (PostgreSQL-backed; its tables are in our
migrations): the task app, the periodic maintenance jobs and the `vividshift worker`."""
