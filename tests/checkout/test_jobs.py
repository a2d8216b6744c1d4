"""Background jobs: through the django_tasks API, immediately in tests, and on real Redis + RQ."""

from datetime import timedelta

import pytest
import redis
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from commerce.cart.models import Cart
from commerce.cart.services import cart_add_line, cart_create
from commerce.checkout.services import checkout_place_order
from commerce.core.rls import use_context
from commerce.orders.models import Order, StockReservation
from commerce.orders.services import order_mark_paid
from commerce.orders.tasks import send_order_confirmation
from tests.factories import stock_of

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_maintenance_expires_reservations_and_deletes_stale_carts(ready_checkout, variant, store):
    order = checkout_place_order(checkout=ready_checkout(2))
    StockReservation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    stale = cart_create(store=store)
    cart_add_line(cart=stale, variant_id=variant.pk, quantity=1)
    Cart.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=60))

    with use_context(None):  # cron runs it with no context: each job names its own system context
        call_command("maintain_store")

    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == "cancelled"
    assert stock_of(variant)[1] == 0
    assert not Cart.objects.filter(pk=stale.pk).exists()


def test_confirmation_email_is_sent_once(ready_checkout, django_capture_on_commit_callbacks):
    order = checkout_place_order(checkout=ready_checkout(1))
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order=order, amount=order.total_money, reference="pi_x")

    with use_context(None):  # a worker has no request context
        send_order_confirmation.enqueue(order.pk)  # a retried job

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_confirmation_job_runs_on_rq_workers(settings, ready_checkout):
    import django_rq

    from commerce.core.worker import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}  # TASKS is re-read on change
    queue = django_rq.get_queue("default")
    queue.empty()
    order = checkout_place_order(checkout=ready_checkout(1))
    Order.objects.filter(pk=order.pk).update(payment_status="paid", status="paid")

    result = send_order_confirmation.enqueue(order.pk)

    assert mail.outbox == []  # queued, not run
    assert queue.count == 1
    from django_tasks_rq import Job

    worker = Worker([queue], connection=queue.connection, job_class=Job)
    with use_context(None):  # a worker process starts with no context
        worker.work(burst=True)
    assert len(mail.outbox) == 1
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value is True


@pytest.mark.django_db(transaction=True)  # the worker's own connection handling, outside a test transaction
@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_the_worker_replaces_a_database_connection_that_broke_between_jobs(settings):
    """Jobs run in the worker's process one after another (no fork each), so a connection that broke
    between two jobs (a database restart, a failover) must not fail every job after it."""
    import django_rq
    from django.db import connection
    from django_tasks_rq import Job

    from commerce.core.worker import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    queue = django_rq.get_queue("default")
    queue.empty()
    worker = Worker([queue], connection=queue.connection, job_class=Job)
    first = send_order_confirmation.enqueue(0)  # no such order: the job reads the database and sends nothing
    with use_context(None):
        worker.work(burst=True)

    connection.ensure_connection()
    connection.connection.close()  # the server drops the worker's connection
    second = send_order_confirmation.enqueue(0)
    with use_context(None):
        worker.work(burst=True)

    first.refresh()
    second.refresh()
    assert (str(first.status), str(second.status)) == ("SUCCESSFUL", "SUCCESSFUL")
    assert second.return_value is False
