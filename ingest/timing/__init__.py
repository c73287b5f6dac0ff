"""Time: time expressions to UTC, dates, durations, and the event each time belongs to."""
