-- The newest generation of the counts log (`<store>.counts.log.<n>`, see
-- src/server/storage/count_log.rs) whose counts are in decision_counts. A fold adds a log's
-- counts and raises this number in one transaction, so no generation is ever counted twice.
CREATE TABLE count_log_folded (
    through_generation INTEGER NOT NULL
);
INSERT INTO count_log_folded (through_generation) VALUES (0);
