"""Processes, meetings, rooms and sittings: the programme of a conference."""
