"""Reference data: States, regional groups, least developed countries, organisations, currencies."""
