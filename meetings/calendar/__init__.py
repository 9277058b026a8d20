"""iCalendar feeds of the programme: per meeting, per kind, per sitting, and personal."""
