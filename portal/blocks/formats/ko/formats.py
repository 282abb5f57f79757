# Korean writes a short date with full stops after year, month and day ("2026. 12. 4."),
# as Korean public bodies do; Django's "2026-12-4" reads as a malformed ISO date. Times
# on the 24-hour clock, as staff schedules are written.
SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
