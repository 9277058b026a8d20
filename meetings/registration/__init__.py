"""Delegations, registrations, two-stage approval, accreditation, list of participants, badges."""
