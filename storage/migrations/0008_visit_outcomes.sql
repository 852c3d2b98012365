-- Outcomes of working-group visits and their follow-up items (việc cần theo dõi, TCT-0001).
-- The outcome lives on the visit itself: one per visit, written once, status becomes 'done'.
ALTER TABLE wg_visits ADD COLUMN reviewed TEXT;
ALTER TABLE wg_visits ADD COLUMN findings TEXT;
ALTER TABLE wg_visits ADD COLUMN outcome_by INTEGER REFERENCES people (id);
ALTER TABLE wg_visits ADD COLUMN outcome_at TEXT;
CREATE INDEX wg_visits_date ON wg_visits (visit_date, status);

-- A follow-up item is owned by exactly one of: a commune (its UBND), a person, a division.
CREATE TABLE wg_followups (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES wg_visits (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('commune', 'person', 'division')),
    owner_commune TEXT REFERENCES communes (code),
    owner_person INTEGER REFERENCES people (id),
    owner_division TEXT REFERENCES divisions (code),
    due_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    done_by INTEGER REFERENCES people (id),
    done_at TEXT
);
CREATE INDEX wg_followups_status_due ON wg_followups (status, due_date);
CREATE INDEX wg_followups_visit ON wg_followups (visit_id);

-- Progress notes and the closing step, with who and when.
CREATE TABLE wg_followup_notes (
    id INTEGER PRIMARY KEY,
    followup_id INTEGER NOT NULL REFERENCES wg_followups (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL CHECK (kind IN ('progress', 'done')),
    text TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX wg_followup_notes_item ON wg_followup_notes (followup_id, id);
