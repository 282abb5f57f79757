"""Two-step verification for staff, built on django-otp.

After the password, a person with a confirmed authenticator app gives a code from it
(or one of their recovery codes); Publishers and superusers who have none are sent to
set one up first. Until then the session is held on those pages (``middleware``) and
counts as signed out everywhere else. ``devices`` holds what the views, the admin
action and the ``reset_two_factor`` command share.
"""
