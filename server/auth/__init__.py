"""Identities: staff sessions, device bearer tokens, enrolment codes, and who is calling."""
