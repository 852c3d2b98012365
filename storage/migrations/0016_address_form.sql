-- How a person is addressed ("anh" or "chị"), from the optional `gender` column of the people
-- sheet; NULL when not known, and the bot writes "anh/chị".
ALTER TABLE people ADD COLUMN address_form TEXT;
