-- "Did this official log anything that day?" is asked for every official-day in a scope (the
-- dashboard's overview, the digests, reminders). With deleted_at in the index the answer comes
-- from the index alone, without reading a row of the largest table: leadership's overview of a
-- week at 20,000 officials makes 80,000 such probes. It replaces the two-column index, which
-- served the same reads, so the table keeps one index of this kind.
DROP INDEX work_logs_person_date;
CREATE INDEX work_logs_person_date ON work_logs (person_id, work_date, deleted_at);
