"""gunicorn settings for Ghurfa's web workers (deploy/ghurfa-web.service runs it).

Every value can be overridden on the command line; the environment file sets the app's own.
With PROMETHEUS_MULTIPROC_DIR set, each worker keeps its metrics in files there and /metrics
adds them up; a worker that exits is told to prometheus_client so its gauges go with it.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Long exports stream for minutes; nginx's proxy_read_timeout matches this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory held by large exports is given back).
max_requests = 2000
max_requests_jitter = 200
# The request log is the app's JSON line per request; gunicorn's own access log is off.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "app:create_app()"
# gunicorn's control socket (gunicornc) only where one is asked for: its default path in $HOME
# would be shared by every gunicorn of the same user on the machine.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
