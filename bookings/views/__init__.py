"""Booking pages, one module per audience: ``discovery`` (public search, shop and booking
pages), ``customer`` (a customer's bookings), ``portal`` (the provider's dashboard and day of
bookings) and ``board`` (the shop's TV token board)."""
