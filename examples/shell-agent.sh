#!/usr/bin/env bash
# shell-agent.sh WORKSPACE AGENT COMMAND...: the reference outside agent of PROTOCOL.md. It takes the tasks it may
# take, runs COMMAND with the prompt on standard input, publishes its standard output as the result, fails the attempt
# when COMMAND exits non-zero, touches its claim while COMMAND runs, and gives the claim back on SIGTERM.
# SPOOL_HEARTBEAT_MS (default 2000) must stay well below Spool's stale-after (GET /api/protocol, staleAfterMs).
set -u
. "$(dirname "$0")/spool.sh"
SPOOL_WS=$1 SPOOL_AGENT=$2; shift 2
ticks=$(( ${SPOOL_HEARTBEAT_MS:-2000} / 100 + 1 )) stop=
trap 'stop=1' TERM INT                                    # acted on between steps, never half-way through a claim
while [ -z "$stop" ]; do
  id=$(spool_next) || { id=; sleep 0.2; continue; }
  spool_claim "$id" || { id=; continue; }                  # lost the race: another agent took it
  started=$(spool_now); out=$(mktemp); lost= n=0
  spool_prompt "$id" | "$@" > "$out" & pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    [ -z "$stop" ] || break
    (( ++n % ticks )) || spool_heartbeat "$id" || { lost=1; kill "$pid" 2>/dev/null; }
  done
  [ -z "$stop" ] || { kill "$pid" 2>/dev/null; spool_release "$id"; rm -f "$out"; exit 143; }
  wait "$pid"; status=$?
  if [ -n "$lost" ]; then
    echo "shell-agent $SPOOL_AGENT: lost the claim on $id; publishing nothing" >&2
  elif [ "$status" -eq 0 ]; then
    spool_publish "$id" "$out" "$started" || echo "shell-agent $SPOOL_AGENT: lost $id at the commit" >&2
  else
    spool_fail "$id" "the command exited with status $status" "$started"
  fi
  rm -f "$out"
done
