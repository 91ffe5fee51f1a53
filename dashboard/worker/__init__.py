"""The worker: the scheduler and one module per job it runs."""
