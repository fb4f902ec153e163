"""Background jobs: one process (`flask jobs run`) runs them; a database lease keeps it to one."""
