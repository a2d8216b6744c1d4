"""The AI insights assistant (issue 14): plain-language questions answered by read-only tools over
the metrics. ``tools`` is the only way to data; a planner (offline or OpenAI) only chooses tool
calls; ``service.insights_ask`` runs them as the asker and records every question."""
