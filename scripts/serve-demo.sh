#!/usr/bin/env bash
# Serve the demo county: web server, background worker and scheduler on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
pids=()
# A supervisor's child first (the supervisor waits 5 s before a restart), then the supervisor.
cleanup() {
  for p in "${pids[@]}"; do
    pkill -P "$p" 2>/dev/null || true
    kill "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM
# Keep a background process running: restart it when it exits (each exit is written to
# its log), so a crash never leaves reminders, escalations and publishing silently undone.
supervise() {
  local name=$1 log=$2
  shift 2
  while true; do
    "$@" >>"$log" 2>&1 || true
    echo "$(date -Is) $name exited; restarting in 5 s" >>"$log"
    sleep 5
  done
}
mkdir -p var
# The county loads first, in one long write: the worker and the scheduler start after it,
# so they never meet a database locked by the load.
$PY manage.py demo --logins
: >var/worker.log
: >var/scheduler.log
supervise worker var/worker.log $PY manage.py db_worker --queue-name '*' & pids+=($!)
supervise scheduler var/scheduler.log $PY manage.py run_scheduler & pids+=($!)
echo
echo "Zhengtong demo: website http://$HOST:$PORT/  staff http://$HOST:$PORT/oa/  editing http://$HOST:$PORT/cms/"
echo "(Ctrl-C stops the server, worker and scheduler)"
echo "Logs of the worker and scheduler: var/worker.log, var/scheduler.log"
.venv/bin/gunicorn zhengtong.wsgi:application --bind "$HOST:$PORT" --workers 2 --access-logfile - &
pids+=($!)
wait "${pids[-1]}"
