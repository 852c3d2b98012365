-- Personal leave, reminder preferences, and a record of scheduled runs.

-- Personal leave (nghỉ phép): days on leave are never "missing" and get no reminders.
CREATE TABLE leaves (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    cancelled_at TEXT,
    CHECK (start_date <= end_date)
);
CREATE INDEX leaves_dates ON leaves (start_date, end_date);
CREATE INDEX leaves_person ON leaves (person_id, start_date);

-- An official's own reminder time (HH:MM local) and a pause until a date (inclusive).
CREATE TABLE reminder_prefs (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    reminder_time TEXT,
    paused_until TEXT
);

-- What each scheduled job covered last, for start-up catch-up and the operator's eye.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    period TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (job, period)
);

-- Digests read entries and difficulties by date; people by division for scopes.
CREATE INDEX people_division ON people (division_code);
CREATE INDEX assignments_person ON assignments (person_id, start_date);
CREATE INDEX assignments_commune ON assignments (commune_code, start_date);
