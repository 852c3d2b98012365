-- Taking back what was planned: a working-group visit cancelled or moved by its leader, a study
-- request withdrawn by its commune contact. Who and when are kept so a late tap can say so.
ALTER TABLE wg_visits ADD COLUMN moves INTEGER NOT NULL DEFAULT 0;
ALTER TABLE wg_visits ADD COLUMN moved_at TEXT;
ALTER TABLE wg_visits ADD COLUMN cancelled_by INTEGER REFERENCES people (id);
ALTER TABLE wg_visits ADD COLUMN cancelled_at TEXT;
ALTER TABLE study_parts ADD COLUMN withdrawn_by INTEGER REFERENCES people (id);
ALTER TABLE study_parts ADD COLUMN withdrawn_at TEXT;
