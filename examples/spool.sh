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
  [ "${F[transport]:-}" != fifo ] || [ "${F[stage]:-1}" = 1 ] || return 1   # fifo stages run together
  for dep in $(spool_items "${F[depends_on]:-}"); do spool_handed_over "$dep" || return 1; done
}
# spool_handed_over ID: done, and its result linked, or done (renamed: ctime) ten seconds ago and never given one.
spool_handed_over() {
  local done; done=$(spool_task "$1" done)
  [ -e "$done" ] || return 1
  [ -e "$SPOOL_WS/outputs/$1_result.md" ] && return 0
  local renamed; renamed=$(stat -c %Z "$done") && [ $(( EPOCHSECONDS - renamed )) -ge 10 ]
}

# spool_next: the id of the pending task to take: higher priority first, then the lower id number.
spool_next() {
  local f id prio num best= bprio= bnum=
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

# spool_publish ID FILE STARTED: commit (rename our claim to done), then link the result, which never replaces one.
# Staged in .spool/staging/ so that a Spool opening the workspace publishes it if we die between the two.
spool_publish() {
  local staged="$SPOOL_WS/.spool/staging/$1.$SPOOL_AGENT.$$.$RANDOM.md"
  { printf -- '---\nagent: %s\nstarted_at: %s\nfinished_at: %s\n---\n' "$SPOOL_AGENT" "$3" "$(spool_now)"
    cat -- "$2"; } > "$staged" || { rm -f -- "$staged"; return 1; }
  if ! spool_held "$1" || ! spool_move "$(spool_mine "$1")" "$(spool_task "$1" done)"; then
    rm -f -- "$staged"; return 1                                        # lost the claim: publish nothing
  fi
  ln -- "$staged" "$SPOOL_WS/outputs/$1_result.md"; local linked=$?
  rm -f -- "$staged"; return $linked
}

# spool_fail ID REASON STARTED [failed]: record a failed attempt, then give the task back to pending (Spool fails it
# when its budget is spent), or with "failed" give up on the task at once.
spool_fail() {
  local name="$1.$SPOOL_AGENT.$$$RANDOM" to=${4:-pending}
  spool_held "$1" || return 1                                           # taken back: Spool counted it already
  printf -- '---\nstarted_at: %s\nfinished_at: %s\n---\n%s\n' "$3" "$(spool_now)" "$2" \
    > "$SPOOL_WS/failures/.$name.tmp" && ln -- "$SPOOL_WS/failures/.$name.tmp" "$SPOOL_WS/failures/$name.md"
  rm -f -- "$SPOOL_WS/failures/.$name.tmp"
  spool_move "$(spool_mine "$1")" "$(spool_task "$1" "$to")"
}
