-- Decision counts moved to a database file of their own (see migrations/sqlite-counts). Counts
-- made before this version are not carried over: they are the least valuable record there is
-- (refused attempts, the evidence, stay here), and carrying them would mean attaching the other
-- file inside a migration.
DROP TABLE decision_counts;
