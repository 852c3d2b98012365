"""bietphai: the application — settings, assembly, CLI, channels and texts."""
