"""Signals other apps listen to (the adminpanel's fraud rules, for one).

``appointment_cancelled``: sent after the cancelling transaction commits, with keyword arguments
``appointment`` (the cancelled Appointment) and ``actor`` (the User who cancelled it).
"""

from django.dispatch import Signal

appointment_cancelled = Signal()
