"""Hindi: Django's ``hi`` formats with Indian digit grouping (1,00,000) and Monday first.
Month and day names come from Django's Hindi catalogue when Hindi is active."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "j F Y, g:i A"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y g:i A"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
# The last three digits, then groups of two: 1,00,000 (lakh) and 1,00,00,000 (crore).
NUMBER_GROUPING = (3, 2, 0)
