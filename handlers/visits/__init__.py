"""Working-group visits (/tocongtac): planning, changes, outcomes, follow-up items."""
