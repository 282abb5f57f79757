"""The digest as a background task (django-tasks, database backend): enqueued by
``manage.py send_event_digest --enqueue`` and run by ``manage.py db_worker``."""

from django_tasks import task

from events.alerts.digest import send_digests


@task()
def send_event_digest():
    return send_digests().as_dict()
