#!/usr/bin/env bash
# shell-agent.sh WORKSPACE AGENT COMMAND...: the reference outside agent of PROTOCOL.md. It takes the tasks it may
# take, runs COMMAND with the prompt on standard input (for a fifo pipeline stage after the first, the prompt and the
# answer of the stage before, read from their pipe), publishes its standard output as the result, fails the attempt
# when COMMAND exits non-zero, touches its claim while COMMAND runs, and gives the claim back on SIGTERM. COMMAND may
# report the tokens it used by writing "<prompt> <completion>" to the file named by $SPOOL_TOKENS_FILE.
# SPOOL_HEARTBEAT_MS (default 2000) must stay well below Spool's stale-after (GET /api/protocol, staleAfterMs).
set -u
. "$(dirname "$0")/spool.sh"
SPOOL_WS=$1 SPOOL_AGENT=$2 SPOOL_STOP=; shift 2
trap 'SPOOL_STOP=1' TERM INT                              # acted on between steps, never half-way through a claim
while [ -z "$SPOOL_STOP" ]; do
  id=$(spool_next) || { id=; sleep 0.2; continue; }
  spool_claim "$id" || { id=; continue; }                  # lost the race: another agent took it
  started=$(spool_now)
  in=$(mktemp)
  out=$(mktemp)
  SPOOL_TOKENS_FILE=$(mktemp); export SPOOL_TOKENS_FILE; SPOOL_TOKENS=
  spool_working "$id" spool_input "$id" > "$in" 2> "$out"; status=$? phase=input
  if [ "$status" -eq 0 ]; then
    phase=command
    spool_working "$id" "$@" < "$in" > "$out"; status=$?
    SPOOL_TOKENS=$(cat -- "$SPOOL_TOKENS_FILE")
  fi
  case $phase.$status in
    command.0) spool_publish "$id" "$out" "$started" || echo "shell-agent $SPOOL_AGENT: lost $id at the commit" >&2 ;;
    *.250) echo "shell-agent $SPOOL_AGENT: lost the claim on $id; publishing nothing" >&2 ;;
    *.251) spool_release "$id"; rm -f -- "$in" "$out" "$SPOOL_TOKENS_FILE"; exit 143 ;;
    input.2) spool_release "$id" ;;                        # the stage it reads from failed: no attempt counted
    input.*) spool_fail "$id" "$(tail -n 1 -- "$out")" "$started" ;;
    *) spool_fail "$id" "the command exited with status $status" "$started" ;;
  esac
  rm -f -- "$in" "$out" "$SPOOL_TOKENS_FILE"
done
