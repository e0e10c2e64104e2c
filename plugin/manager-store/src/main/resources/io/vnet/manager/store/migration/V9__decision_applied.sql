-- Whether each decision was applied (its document says so too), as a column: a network's newest applied
-- decision says what the loop installed, so a restart restores it and pruning keeps it however many
-- decisions not applied came after it (the loop records one at every change of the traffic).
ALTER TABLE adaptation_decision ADD COLUMN applied BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE adaptation_decision SET applied = TRUE WHERE document LIKE '%"applied":true%';
