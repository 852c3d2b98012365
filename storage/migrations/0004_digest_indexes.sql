-- Digests read one supervisor's scope for a day or a week. These indexes let every read start
-- from the scope (a division, a working group's communes, a forwarded item) and a date, so a
-- digest costs the same after a year of data, and in a department of 20,000 officials, as
-- after a week in a department of 15.

-- Difficulties by division or commune: open ones (by status) and the ones raised in a window.
CREATE INDEX difficulties_division_status ON difficulties (division_code, status, created_at);
CREATE INDEX difficulties_commune_status ON difficulties (commune_code, status, created_at);
CREATE INDEX difficulties_division_created ON difficulties (division_code, created_at);
CREATE INDEX difficulties_commune_created ON difficulties (commune_code, created_at);
CREATE INDEX difficulties_assignee ON difficulties (assignee_id, status);
-- Weekly counts: first responses and resolutions in a window.
CREATE INDEX difficulties_first_response ON difficulties (first_response_at);
CREATE INDEX difficulties_resolved ON difficulties (resolved_at);

-- "Could not be reached" in a digest: a person's undeliverable outbox rows.
CREATE INDEX outbox_person_status ON outbox (person_id, status);

-- A supervisor's working groups (scope of every digest).
CREATE INDEX working_groups_leader ON working_groups (leader_id);
