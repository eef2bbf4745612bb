"""Signals the wallet sends for others to listen to (adminpanel fraud rules, for one)."""

from django.dispatch import Signal

# Sent when a payment callback or webhook carries a signature that does not verify.
# Arguments: provider (the Provider the request was about, or None), ip (str), source
# ("callback" or "webhook").
payment_signature_invalid = Signal()
