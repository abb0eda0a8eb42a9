-- Refused attempts are committed to refused_attempts before their partner is answered; the log
-- of earlier versions, and its bookkeeping, are gone. (An earlier version moves what its log
-- holds into the table when it stops cleanly.)
DROP TABLE refusal_log_moved;
