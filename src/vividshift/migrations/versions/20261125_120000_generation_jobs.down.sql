-- Removes every object of 20261125_120000_generation_jobs.sql (indexes go with the tables).
DROP TABLE schedule_cursors;
DROP TABLE generation_jobs;
