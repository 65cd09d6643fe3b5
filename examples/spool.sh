# spool.sh: the Spool workspace protocol (PROTOCOL.md) as bash functions, with GNU coreutils only.
# Source it, then set SPOOL_WS (the workspace folder) and SPOOL_AGENT (this agent's name).
# Every function that changes a file returns non-zero when it lost: the claim is gone, or the name is taken.
# One claim at a time per shell: SPOOL_STAMP holds the claim's stamp.
# At most one command substitution per word or assignment list: bash 5.2 drops a trap (an agent's SIGTERM handler)
# that fires between two of them ("trap: unexpected EOF while looking for matching `)'").

spool_now() { local t=$EPOCHREALTIME; TZ=UTC printf '%(%Y-%m-%dT%H:%M:%S)T.%sZ' "${t%[.,]*}" "${t#*[.,]}"; }
spool_task() { printf '%s/tasks/%s_%s.md' "$SPOOL_WS" "$1" "$2"; }   # ID STATE-WORD
spool_mine() { spool_task "$1" "inprogress_$SPOOL_AGENT"; }

# spool_move FROM TO: a rename that never replaces TO. Link the new name (ln refuses an existing one), unlink the
# old; if the old name was moved meanwhile by someone else, withdraw the link: they won.
spool_move() {
  ln -- "$1" "$2" 2>/dev/null || return 1
  rm -- "$1" 2>/dev/null && return 0
  rm -f -- "$2"; return 1
}

# A stamp of our own in the claim's modification time: two copies of one agent name the same in-progress file, and
# this tells them apart. touch -c never creates a file that was taken away. The stamp is read back and must be the
# one set (at the filesystem's precision: trailing zeros of the nanoseconds may be cut): another one means the claim
# was taken back and claimed again, by a copy that stamped it after this one, and is that copy's now.
spool_stamp() {
  local secs=$EPOCHSECONDS nanos got kept
  printf -v nanos '%09d' $(( (RANDOM << 15 | RANDOM) % 1000000000 ))
  touch -c -d "@$secs.$nanos" -- "$1" 2>/dev/null || return 1
  got=$(stat -c %.9Y -- "$1" 2>/dev/null) || return 1
  kept=${got#*.}; while [ "${kept%0}" != "$kept" ]; do kept=${kept%0}; done
  [ "${got%%.*}" = "$secs" ] && [[ $nanos == "$kept"* ]] && SPOOL_STAMP=$got
}
spool_held() { [ -n "${SPOOL_STAMP:-}" ] && [ "$(stat -c %.9Y -- "$(spool_mine "$1")" 2>/dev/null)" = "$SPOOL_STAMP" ]; }

# Claim: note the pending file's time, rename it (a rename keeps the time), and stamp it only if the time is still the
# one noted. If this copy stopped after its rename and the task was taken back (Spool stamps it first) and claimed
# again meanwhile, the time differs and the claim is not this copy's any more.
spool_claim() {
  local before; before=$(stat -c %y -- "$(spool_task "$1" pending)" 2>/dev/null) || return 1
  spool_move "$(spool_task "$1" pending)" "$(spool_mine "$1")" || return 1
  [ "$(stat -c %y -- "$(spool_mine "$1")" 2>/dev/null)" = "$before" ] && spool_stamp "$(spool_mine "$1")"
}
spool_heartbeat() { spool_held "$1" && spool_stamp "$(spool_mine "$1")"; }

# spool_working ID COMMAND...: runs COMMAND in the background while touching the claim every SPOOL_HEARTBEAT_MS
# (default 2000; keep it well below Spool's stale-after), and returns COMMAND's status. When the claim is lost, or
# SPOOL_STOP is set (a signal's trap sets it), COMMAND is stopped and the status is 250 (lost) or 251 (stopped).
spool_working() {
  local id=$1 pid n=0 ticks=$(( ${SPOOL_HEARTBEAT_MS:-2000} / 100 + 1 ))
  shift
  "$@" <&0 & pid=$!                                   # <&0: a background command would read /dev/null
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    if [ -n "${SPOOL_STOP:-}" ]; then kill "$pid" 2>/dev/null; wait "$pid"; return 251; fi
    (( ++n % ticks )) || spool_heartbeat "$id" || { kill "$pid" 2>/dev/null; wait "$pid"; return 250; }
  done
  wait "$pid"
}
spool_release() { spool_held "$1" && spool_move "$(spool_mine "$1")" "$(spool_task "$1" pending)"; }

# spool_front FILE: reads the front matter into F (one `key: value` per line, quotes and a trailing comment removed;
# lists as [a, b]). Builtins only: a fork per field would make a busy machine's scan take seconds.
declare -A F
spool_front() {
  local line key value list= first=1
  F=()
  [ -r "$1" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    if [ -n "$first" ]; then first=; [[ $line =~ ^---[[:space:]]*$ ]] && continue || return 0; fi
    [[ $line =~ ^---[[:space:]]*$ ]] && return 0
    if [ -n "$list" ] && [[ $line =~ ^[[:space:]]*-[[:space:]]+([^[:space:]#]+) ]]; then   # a block list's item
      F[$list]+="${F[$list]:+,}${BASH_REMATCH[1]}"; continue
    fi
    [[ $line =~ ^([a-z_]+):[[:space:]]*(.*)$ ]] || continue
    key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]} list=
    [[ $value =~ ^(#.*)?$ ]] && list=$key
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}
    else value=${value%%[[:space:]]#*}; value=${value%"${value##*[![:space:]]}"}; fi
    F[$key]=$value
  done < "$1"
}
spool_items() { local l=${1//[\[\]\"\' ]/}; [ -n "$l" ] && printf '%s\n' ${l//,/ }; }   # "[a, b]" -> lines

# spool_body FILE: the text after the front matter, from its first non-blank line.
spool_body() {
  local line fenced= text=
  while IFS= read -r line || [ -n "$line" ]; do
    if [ -z "$fenced" ]; then fenced=1; [[ $line =~ ^---[[:space:]]*$ ]] && fenced=2 && continue; fi
    if [ "$fenced" = 2 ]; then [[ $line =~ ^---[[:space:]]*$ ]] && fenced=3; continue; fi
    [ -n "$text" ] || [[ $line =~ [^[:space:]] ]] || continue
    text=1; printf '%s\n' "$line"
  done < "$1"
}

# spool_takeable FILE: whether this agent may take this pending task now (routing, role, kind, stage, dependencies).
spool_takeable() {
  local roles dep
  spool_front "$SPOOL_WS/agents/$SPOOL_AGENT.md"; roles=",${F[roles]:-}," roles=${roles//[\[\]\"\' ]/}
  spool_front "$1"                                                    # roles compare without regard to case
  [ -z "${F[agent]:-}" ] || [ "${F[agent]}" = "$SPOOL_AGENT" ] || return 1
  [ -z "${F[role]:-}" ] || [[ ${roles,,} == *",${F[role],,},"* ]] || return 1
  [ "${F[kind]:-}" != goal ] || return 1                              # goals are planned by Spool's orchestrator
  if [ "${F[transport]:-}" = fifo ] && [ "${F[stage]:-1}" != 1 ]; then         # read from the stage before as it
    local before; before=$(spool_find_stage "${F[pipeline]:-}" $(( ${F[stage]} - 1 ))) || return 1   # writes
    [[ $(spool_state "$before") == @(inprogress|done) ]] || return 1
    spool_front "$1"
  fi
  for dep in $(spool_items "${F[depends_on]:-}"); do spool_handed_over "$dep" || return 1; done
}
# spool_handed_over ID: done, and its result linked, or done (renamed: ctime) ten seconds ago and never given one.
spool_handed_over() {
  local done; done=$(spool_task "$1" done)
  [ -e "$done" ] || return 1
  [ -e "$SPOOL_WS/outputs/$1_result.md" ] && return 0
  local renamed; renamed=$(stat -c %Z "$done") && [ $(( EPOCHSECONDS - renamed )) -ge 10 ]
}

# spool_state ID: the state word of a task's file (pending, inprogress, waiting, done, failed, cancelled), or nothing.
spool_state() {
  local f
  for f in "$SPOOL_WS/tasks/$1"_*.md; do
    [ -e "$f" ] || continue
    f=${f#"$SPOOL_WS/tasks/$1"_}; f=${f%.md}; printf '%s\n' "${f%%_*}"; return 0
  done
}

# spool_find_stage PIPELINE STAGE: the id of that stage of a pipeline, from the front matter of tasks/.
spool_find_stage() {
  local f
  for f in "$SPOOL_WS"/tasks/task_*.md; do
    [ -e "$f" ] || continue
    spool_front "$f"
    [ "${F[pipeline]:-}" = "$1" ] && [ "${F[stage]:-}" = "$2" ] || continue
    [[ ${f##*/} =~ ^(task_[0-9]+)_ ]] && printf '%s\n' "${BASH_REMATCH[1]}" && return 0
  done
  return 1
}

# spool_quiet: whether this agent is quiet: agents/<name>.quiet is there (a file, or anything else with the name).
spool_quiet() { [ -e "$SPOOL_WS/agents/$SPOOL_AGENT.quiet" ] || [ -L "$SPOOL_WS/agents/$SPOOL_AGENT.quiet" ]; }

# spool_next: the id of the pending task to take: higher priority first, then the lower id number. Nothing while the
# agent is quiet: it finishes what it holds and takes no new task until the marker is removed.
spool_next() {
  local f id prio num best= bprio= bnum=
  spool_quiet && return 1
  for f in "$SPOOL_WS"/tasks/task_*_pending.md; do
    [ -e "$f" ] && spool_takeable "$f" || continue
    id=${f##*/} id=${id%_pending.md} prio=${F[priority]:-0} num=$((10#${id#task_}))
    [[ $prio =~ ^-?[0-9]+$ ]] || prio=0
    if [ -z "$best" ] || (( prio > bprio || (prio == bprio && num < bnum) )); then best=$id bprio=$prio bnum=$num; fi
  done
  [ -n "$best" ] && echo "$best"
}

# spool_prompt ID: what the command is given: each dependency's result (without its header) under a heading, then
# the task's prompt, as PROTOCOL.md's hand-over says.
spool_prompt() {
  local dep deps
  spool_front "$(spool_mine "$1")"; deps=$(spool_items "${F[depends_on]:-}")
  for dep in $deps; do
    spool_front "$(spool_task "$dep" done)"
    printf '## Output of %s%s\n\n' "$dep" "${F[title]:+ (${F[title]})}"
    if [ -e "$SPOOL_WS/outputs/${dep}_result.md" ]; then spool_body "$SPOOL_WS/outputs/${dep}_result.md"
    else printf '(%s is done but left no output)\n' "$dep"; fi
    printf '\n'
  done
  [ -z "$deps" ] || printf '## Your task\n\n'
  spool_body "$(spool_mine "$1")"
}

# spool_tokens: the header line of the tokens the attempt used, from SPOOL_TOKENS ("<prompt> <completion>", two whole
# numbers) when it is set; Spool counts them in budgets and usage (PROTOCOL.md, "Tokens and budgets").
spool_tokens() {
  local prompt completion
  read -r prompt completion <<< "${SPOOL_TOKENS:-}"
  [[ $prompt =~ ^[0-9]+$ && $completion =~ ^[0-9]+$ ]] || return 0
  printf 'tokens: {prompt: %s, completion: %s}\n' "$prompt" "$completion"
}

# spool_result FILE: a result's text without its header, byte for byte (what a fifo stage's stream must equal).
spool_result() {
  local first end
  IFS= read -r first < "$1" || true
  end=$(sed -n '2,${/^---\r\{0,1\}$/{=;q}}' -- "$1")
  if [ "${first%$'\r'}" = --- ] && [ -n "$end" ]; then tail -n "+$(( end + 1 ))" -- "$1"; else cat -- "$1"; fi
}

# spool_input ID: what the command is given: spool_prompt, or for a fifo stage after the first its prompt and the
# answer of the stage before, read from their pipe (PROTOCOL.md, "Pipes"). Returns 1 when that answer cannot be had
# (the reason on standard error: the attempt fails), 2 when the stage before failed (give the claim back uncounted).
spool_input() {
  spool_front "$(spool_mine "$1")"
  if [ "${F[transport]:-}" != fifo ] || [ "${F[stage]:-1}" = 1 ]; then spool_prompt "$1"; return; fi
  local pipeline=${F[pipeline]:-} stage=${F[stage]} prompt answer status
  prompt=$(spool_body "$(spool_mine "$1")")
  answer=$(mktemp)
  spool_piped "$pipeline" "$stage" > "$answer"; status=$?
  [ "$status" -eq 0 ] && printf '%s\n\n---\n\nThe answer of stage %s of %s:\n\n' "$prompt" $(( stage - 1 )) "$pipeline" \
    && cat -- "$answer"
  rm -f -- "$answer"; return "$status"
}

# spool_piped PIPELINE STAGE: the answer of the stage before STAGE, through its pipe while it is written, or from its
# output once done; the stream counts only if it ends with the one NUL byte and the stage commits the same output.
spool_piped() {
  local before k=$(( $2 - 1 )) pipe got state inode records size quiet reader
  before=$(spool_find_stage "$1" "$k") || { echo "stage $k of $1 does not exist" >&2; return 1; }
  pipe="$SPOOL_WS/pipes/$1_stage${k}_to_stage$2" got=$(mktemp)
  trap 'kill "${reader:-}" 2>/dev/null; rm -f -- "$got"; exit 143' TERM   # (run by spool_working: a subshell)
  while :; do
    state=$(spool_state "$before")
    [ "$state" = done ] && { rm -f -- "$got"; spool_committed "$before" ""; return; }
    [[ $state == @(pending|inprogress) ]] || { echo "stage $k of $1 is ${state:-gone}" >&2; rm -f -- "$got"; return 2; }
    [ -p "$pipe" ] || { sleep 0.05; continue; }
    inode=$(stat -c %i -- "$pipe" 2>/dev/null)
    records=$(spool_records "$before")
    cat -- "$pipe" > "$got" & reader=$!                  # blocks until the writer opens the pipe
    size=0 quiet=0
    while kill -0 "$reader" 2>/dev/null; do
      sleep 0.1
      if [ ! -s "$got" ]; then                            # not opened yet: was the pipe given up or replaced?
        [ "$(stat -c %i -- "$pipe" 2>/dev/null)" = "$inode" ] || { kill "$reader" 2>/dev/null; break; }
        [[ $(spool_state "$before") == @(pending|inprogress|done) ]] || { kill "$reader" 2>/dev/null; break; }
      elif [ "$(stat -c %s -- "$got")" = "$size" ]; then
        (( ++quiet < ${SPOOL_STALL_S:-60} * 10 )) || { kill "$reader" 2>/dev/null; rm -f -- "$got"
          echo "stage $k of $1 stalled: nothing came through its pipe for ${SPOOL_STALL_S:-60} s" >&2; return 1; }
      else size=$(stat -c %s -- "$got") quiet=0; fi
    done
    wait "$reader"
    [ -s "$got" ] && break                                # something came: judge it below
  done
  if [ "$(tail -c 1 -- "$got" | od -An -tx1 | tr -d ' ')" = 00 ] && [ "$(tr -cd '\0' < "$got" | wc -c)" -eq 1 ]; then
    head -c -1 -- "$got" > "$got.answer"; rm -f -- "$got"
    spool_committed "$before" "$got.answer"; local status=$?; rm -f -- "$got.answer"; return "$status"
  fi
  rm -f -- "$got"                                         # broken off: how did the writer's attempt end?
  local waited=0
  while (( waited++ < ${SPOOL_STALL_S:-60} * 20 )); do
    state=$(spool_state "$before")
    [ "$state" = done ] && { spool_committed "$before" ""; return; }
    if [ "$state" != inprogress ] || [ "$(spool_records "$before")" != "$records" ]; then
      echo "stage $k of $1 broke off its stream: its attempt failed" >&2; return 2
    fi
    sleep 0.05
  done
  echo "stage $k of $1 broke off its stream and is still in progress" >&2; return 1
}
spool_records() { local f n=0; for f in "$SPOOL_WS/.spool/attempts/$1".*.json; do [ -e "$f" ] && n=$(( n + 1 )); done; echo "$n"; }

# spool_committed ID [STREAMED]: once the task is done, its output's text (which must equal the file STREAMED, if
# given); 2 if it goes back to pending, fails or is cancelled instead, 1 if it differs or is not committed in time.
spool_committed() {
  local waited=0 state output="$SPOOL_WS/outputs/$1_result.md"
  while (( waited++ < ${SPOOL_STALL_S:-60} * 20 )); do
    state=$(spool_state "$1")
    if [ "$state" = done ] && [ -e "$output" ]; then
      if [ -n "$2" ] && ! cmp -s -- "$2" <(spool_result "$output"); then
        echo "$1 committed an output that differs from what came through its pipe" >&2; return 1
      fi
      spool_result "$output"; return 0
    fi
    [[ $state == @(inprogress|done) ]] || { echo "$1 streamed but did not commit (it is ${state:-gone})" >&2; return 2; }
    sleep 0.05
  done
  echo "$1 did not commit its answer within ${SPOOL_STALL_S:-60} s" >&2; return 1
}

# spool_publish ID FILE STARTED: commit (rename our claim to done), then link the result, which never replaces one.
# Staged in .spool/staging/ so that a Spool opening the workspace publishes it if we die between the two.
spool_publish() {
  local staged="$SPOOL_WS/.spool/staging/$1.$SPOOL_AGENT.$$.$RANDOM.md"
  { printf -- '---\nagent: %s\nstarted_at: %s\nfinished_at: %s\n' "$SPOOL_AGENT" "$3" "$(spool_now)"
    spool_tokens; printf -- '---\n'; cat -- "$2"; } > "$staged" || { rm -f -- "$staged"; return 1; }
  if ! spool_held "$1" || ! spool_move "$(spool_mine "$1")" "$(spool_task "$1" done)"; then
    rm -f -- "$staged"; return 1                                        # lost the claim: publish nothing
  fi
  ln -- "$staged" "$SPOOL_WS/outputs/$1_result.md"; local linked=$?
  rm -f -- "$staged"; return $linked
}

# spool_fail ID REASON STARTED [failed]: record a failed attempt (with the tokens of SPOOL_TOKENS, if set), then give
# the task back to pending (Spool fails it when its budget is spent), or with "failed" give up on the task at once.
spool_fail() {
  local name="$1.$SPOOL_AGENT.$$$RANDOM" to=${4:-pending}
  spool_held "$1" || return 1                                           # taken back: Spool counted it already
  { printf -- '---\nstarted_at: %s\nfinished_at: %s\n' "$3" "$(spool_now)"; spool_tokens; printf -- '---\n%s\n' "$2"; } \
    > "$SPOOL_WS/failures/.$name.tmp" && ln -- "$SPOOL_WS/failures/.$name.tmp" "$SPOOL_WS/failures/$name.md"
  rm -f -- "$SPOOL_WS/failures/.$name.tmp"
  spool_move "$(spool_mine "$1")" "$(spool_task "$1" "$to")"
}
