# Django's English short date is American ("12/04/2026"), which a reader in Korea or
# Europe takes for 12 April: the month is written as a word instead. Times on the
# 24-hour clock, as in Korean.
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
