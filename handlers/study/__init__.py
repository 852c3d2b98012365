"""Study visits at the department (/hoctap): requests, heads' answers, calendar."""
