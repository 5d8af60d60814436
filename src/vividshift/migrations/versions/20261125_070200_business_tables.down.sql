DROP TABLE IF EXISTS assignment_targets;
DROP TABLE IF EXISTS participants;
DROP TABLE IF EXISTS entities;
DROP TABLE IF EXISTS entity_definitions;
DROP TABLE IF EXISTS domains;
