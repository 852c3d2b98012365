-- Working-group visits (tổ công tác đến xã): planned by the group leader from the chat.
-- Outcomes and follow-up items come in a later migration.
CREATE TABLE wg_visits (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    commune_code TEXT NOT NULL REFERENCES communes (code),
    visit_date TEXT NOT NULL,
    agenda TEXT NOT NULL,
    planned_by INTEGER NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done', 'cancelled'))
);
CREATE INDEX wg_visits_group_date ON wg_visits (group_id, visit_date);

CREATE TABLE wg_visit_members (
    visit_id INTEGER NOT NULL REFERENCES wg_visits (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (visit_id, person_id)
);
