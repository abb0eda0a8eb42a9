-- The newest generation of the refused-attempt log (`<store>.refusals.log.<n>`, see
-- src/server/storage/refusal_log.rs) whose attempts are in refused_attempts. A move inserts a
-- log's attempts and raises this number in one transaction, so no attempt is inserted twice.
CREATE TABLE refusal_log_moved (
    through_generation INTEGER NOT NULL
);
INSERT INTO refusal_log_moved (through_generation) VALUES (0);
