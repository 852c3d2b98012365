-- Study visits at the department (học tập kinh nghiệm tại Sở), asked for by commune contacts.
-- A request names its officials once and has one part per division it wants to learn from:
-- each part has its own week (Monday, local date), status and confirmation by that division.

-- Which commune a commune contact (role commune_official) speaks for: the workbook's optional
-- `commune` column of the people sheet, or picked once in the chat at the first /hoctap.
CREATE TABLE commune_contacts (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    commune_code TEXT NOT NULL REFERENCES communes (code)
);

CREATE TABLE study_requests (
    id INTEGER PRIMARY KEY,
    commune_code TEXT NOT NULL REFERENCES communes (code),
    contact_id INTEGER NOT NULL REFERENCES people (id),
    topic TEXT NOT NULL,
    preferred_weeks TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX study_requests_commune ON study_requests (commune_code, id);

CREATE TABLE study_participants (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES study_requests (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    full_name TEXT NOT NULL,
    job_title TEXT NOT NULL DEFAULT '',
    UNIQUE (request_id, position)
);

CREATE TABLE study_parts (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES study_requests (id) ON DELETE CASCADE,
    division_code TEXT NOT NULL REFERENCES divisions (code),
    preferred_week TEXT NOT NULL,
    week_start TEXT NOT NULL,
    people INTEGER NOT NULL CHECK (people > 0),
    status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'confirmed', 'cancelled')),
    confirmed_by INTEGER REFERENCES people (id),
    confirmed_at TEXT,
    place TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX study_parts_week ON study_parts (week_start, division_code);
CREATE INDEX study_parts_request ON study_parts (request_id);

-- Which of the request's officials go in which part (a split part takes some of them).
CREATE TABLE study_part_members (
    part_id INTEGER NOT NULL REFERENCES study_parts (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES study_participants (id) ON DELETE CASCADE,
    PRIMARY KEY (part_id, participant_id)
);
