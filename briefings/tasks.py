"""Background tasks (django.tasks). Run a worker with ``manage.py db_worker``, or rely on the
``publish_scheduled`` management command from cron; both call the same workflow function."""

from django.tasks import task

from . import workflow


@task()
def publish_scheduled() -> int:
    """Publish every scheduled briefing whose time has come. Scheduling a briefing enqueues
    this task to run at its publish time."""
    return len(workflow.publish_due_scheduled())
