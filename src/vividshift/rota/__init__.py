"""The rota over time: turns, absences, horizon plans and their publication."""
