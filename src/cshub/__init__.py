"""cshub: the Contextual Safeguarding Hub."""
