#!/usr/bin/env bash
# Serve the demo county: web server, background worker and scheduler on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
$PY manage.py db_worker --queue-name '*' >var/worker.log 2>&1 & pids+=($!)
$PY manage.py run_scheduler >var/scheduler.log 2>&1 & pids+=($!)
$PY manage.py demo --logins
echo
echo "Zhengtong demo: website http://$HOST:$PORT/  staff http://$HOST:$PORT/oa/  editing http://$HOST:$PORT/cms/"
echo "(Ctrl-C stops the server, worker and scheduler)"
echo "Logs of the worker and scheduler: var/worker.log, var/scheduler.log"
.venv/bin/gunicorn zhengtong.wsgi:application --bind "$HOST:$PORT" --workers 2 --access-logfile - &
pids+=($!)
wait "${pids[-1]}"
