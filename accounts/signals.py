"""Decoupled side effects of authentication events (login logs, verification cache)."""
