# Progress for the README's commands and the scripts they run (sourced, not run).
#
# Every step says what it does. A long tool's output (apt, Maven, npm, debootstrap) is kept whole
# in a log under target/logs/ and summarised on the terminal: packages counted as they download and
# are set up, Maven's modules and test results, each integration test class as it starts and ends.
# When nothing has been printed for PROGRESS_QUIET seconds (30) the step says it is still running
# and for how long. Times count from the first script that sourced this file (VNET_T0 is exported),
# so the scripts one command runs share one clock.
#
# Stage timings: `stage NAME cmd...` runs a command and records how long it took; Maven's
# summariser records each integration test class; `stage_report` prints them all with the total.
#
# Callers set PROGRESS_NAME (the prefix of their lines) and use `set -euo pipefail`.

VNET_REPO=${VNET_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export VNET_REPO
if [ -z "${VNET_T0:-}" ]; then
  printf -v VNET_T0 '%(%s)T' -1
  export VNET_T0
fi
export VNET_LOGS=${VNET_LOGS:-$VNET_REPO/target/logs}
mkdir -p "$VNET_LOGS"
PROGRESS_QUIET=${PROGRESS_QUIET:-30}
PROGRESS_NAME=${PROGRESS_NAME:-vnet}

shopt -s extglob
_now() { printf -v "$1" '%(%s)T' -1; }

# seconds -> "42 s" or "3 min 07 s"
human_secs() {
  local s=$1
  if (( s < 60 )); then printf '%d s' "$s"; else printf '%d min %02d s' $((s / 60)) $((s % 60)); fi
}

# stamped TEXT: a line with the time since the command started
stamped() {
  local now
  _now now
  local s=$((now - VNET_T0))
  printf '[%02d:%02d] %s\n' $((s / 60)) $((s % 60)) "$*"
}

# say TEXT: one progress line of this script's
say() { stamped "$PROGRESS_NAME: $*"; }

# ---- stage timings ---------------------------------------------------------------------------

# stage_record NAME SECONDS [STATUS]: adds a line to this command's stage table (a non-zero STATUS is
# shown as the stage's failure in stage_report)
stage_record() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-0}" >>"$VNET_LOGS/stages.tsv"; }

# stage NAME cmd...: runs cmd as one stage, recording its duration (even when it fails)
stage() {
  local name=$1 t0 t1 rc=0
  shift
  _now t0
  say "stage: $name"
  "$@" && rc=0 || rc=$?
  _now t1
  stage_record "$name" $((t1 - t0)) "$rc"
  say "stage done: $name ($(human_secs $((t1 - t0))))$( ((rc == 0)) || echo ", FAILED with status $rc")"
  return $rc
}

# stage_reset: starts an empty stage table (at the start of a command that reports one)
stage_reset() { : >"$VNET_LOGS/stages.tsv"; }

# stage_report BUDGET_MINUTES: prints every recorded stage and the total since VNET_T0
stage_report() {
  local budget=$1 now name secs rc failed=()
  _now now
  echo
  echo "Time per stage (this run; budget ${budget} min in all):"
  while IFS=$'\t' read -r name secs rc; do
    printf '  %-62s %12s%s\n' "$name" "$(human_secs "$secs")" "$( [ "${rc:-0}" = 0 ] || echo "  FAILED (status $rc)")"
    [ "${rc:-0}" = 0 ] || failed+=("$name")
  done <"$VNET_LOGS/stages.tsv"
  printf '  %-62s %12s\n' "total" "$(human_secs $((now - VNET_T0)))"
  if (( now - VNET_T0 > budget * 60 )); then
    echo "  over the ${budget}-minute budget"
  fi
  if ((${#failed[@]})); then
    printf 'stages that failed: %s (their output is above and in %s)\n' "$(IFS=';'; echo "${failed[*]}" | sed 's/;/; /g')" "$VNET_LOGS"
  fi
}

# ---- following a tool's output ----------------------------------------------------------------

# The summarisers: each reads one line in $1 and sets _out to what to print (empty: nothing) and
# _doing to what is running now (for "still ..."). They keep their state in globals.

_tick=0 # when a throttled counter line was last printed
_throttled() { # prints at most every 5 s
  local now
  _now now
  if (( now - _tick >= 5 )); then _tick=$now; _out=$1; fi
}

# everything through, as it comes
summary_plain() { _out=$1; }

# apt-get update / install / download
_apt_total=0 _apt_got=0 _apt_set=0 _apt_unpacked=0
summary_apt() {
  local l=$1
  case $l in
    "E: "* | "Err:"*) _out="apt: $l" ;;
    *" newly installed, "*)
      local up=${l%% upgraded*} new=${l#*upgraded, }
      new=${new%% newly*}
      _apt_total=$((up + new))
      _out="apt: $_apt_total packages to install or upgrade"
      _doing="downloading $_apt_total packages"
      ;;
    "Need to get "*) _out="apt: ${l%.}" ;;
    "Get:"*)
      _apt_got=$((_apt_got + 1))
      if ((_apt_total > 0)); then _throttled "apt: downloaded $_apt_got/$_apt_total"; fi
      ;;
    "Fetched "*) _out="apt: $l"; _doing="unpacking packages" ;;
    "Unpacking "*)
      _apt_unpacked=$((_apt_unpacked + 1))
      local pkg=${l#Unpacking }
      pkg=${pkg%% *}
      _doing="unpacking packages ($_apt_unpacked/$_apt_total, $pkg)"
      _throttled "apt: unpacked $_apt_unpacked/$_apt_total ($pkg)"
      ;;
    "Setting up "*)
      _apt_set=$((_apt_set + 1))
      local pkg=${l#Setting up }
      pkg=${pkg%% *}
      _doing="setting up packages ($_apt_set/$_apt_total, $pkg)"
      _throttled "apt: set up $_apt_set/$_apt_total ($pkg)"
      ;;
    "Reading package lists... Done" | "Reading package lists...") ;;
  esac
}
summary_apt_end() {
  if ((_apt_set > 0)); then _out="apt: set up $_apt_set packages"; fi
  _apt_total=0 _apt_got=0 _apt_set=0 _apt_unpacked=0
}

# debootstrap
_db_n=0
summary_debootstrap() {
  local l=$1
  case $l in
    "E: "* | "W: "*) _out="debootstrap: $l" ;;
    "I: Retrieving "*) _db_n=$((_db_n + 1)); _doing="downloading the base system ($_db_n packages)"
      _throttled "debootstrap: downloaded $_db_n packages" ;;
    "I: Unpacking the base system..." | "I: Installing core packages..." | "I: Configuring the base system..." \
      | "I: Base system installed successfully.")
      _out="debootstrap: ${l#I: }"; _doing=${l#I: } ;;
  esac
}

# npm ci / vite build / vitest run; _npm_line is also what Maven's summariser keeps of them
_npm_line() {
  local l=$1
  case $l in
    *"added "*" packages"* | *"npm ERR!"* | *"npm error"*) _out="npm: $l" ;;
    *"built in "*) _out="vite: page built (${l##*built in })" ;;
    *"Test Files "* | *"     Tests "*) _out="vitest: $(echo $l)" ;;
  esac
}
summary_npm() {
  local l=$1
  _npm_line "$l"
  [ -z "$_out" ] || return 0
  case $l in
    *FAIL*) _out="vitest: $l" ;;
    "> "*) _doing="running ${l#> }" ;;
  esac
}

# Maven (-B): modules, unit test totals, integration test classes, errors. Records each
# integration test class's time in $VNET_LOGS/it-classes.tsv (scripts/test.sh makes them stages).
_mvn_phase= _mvn_module= _mvn_class= _mvn_run=
summary_maven() {
  local l=$1
  case $l in
    "[INFO] Building "*"["*"/"*"]")
      local name=${l#\[INFO\] Building }
      local pos=${name##*[}
      name=${name% \[*}
      name=${name%"${name##*[! ]}"}
      name=${name% [0-9]*}
      _mvn_module=$name
      _out="maven: [${pos%]}] $name"
      _doing="building $name"
      ;;
    "[INFO] --- "*)
      case $l in
        *failsafe*":integration-test "*)
          _mvn_phase=it
          _doing="starting the integration tests of $_mvn_module"
          # the data plane tests' second run, on the kernel path (integration-tests/tests/pom.xml)
          if [[ $l == *"(kernel-path)"* ]]; then _mvn_run=" (kernel path)"; else _mvn_run=""; fi
          ;;
        *surefire*":test "*) _mvn_phase=unit; _doing="running the unit tests of $_mvn_module" ;;
        *exec*"(npm-ci)"*) _mvn_phase=other; _doing="installing the page's npm packages (npm ci)" ;;
        *exec*"(npm-build)"*) _mvn_phase=other; _doing="building the page (vite build)" ;;
        *exec*"(npm-test)"*) _mvn_phase=other; _doing="running the page's Vitest tests" ;;
        *compiler*":compile "*) _mvn_phase=other; _doing="compiling $_mvn_module" ;;
        *) _mvn_phase=other; _doing="building $_mvn_module" ;;
      esac
      ;;
    "[INFO] Running "*)
      if [ "$_mvn_phase" = it ]; then
        _mvn_class=${l##*.}
        _out="maven:   running $_mvn_class"
        _doing="running $_mvn_class"
      fi
      ;;
    *"Tests run: "*", Time elapsed: "*" in "*)
      local cls=${l##*.} secs=${l#*Time elapsed: }
      secs=${secs%% s*}
      secs=${secs%%.*}
      if [ "$_mvn_phase" = it ]; then
        # a class run beside the others (SoakIT: CiOrder, junit-platform.properties) is marked, and
        # scripts/test.sh does not count its time as the run's
        local beside=
        if [[ " ${VNET_ITS_BESIDE:-} " == *" $cls "* && -z $_mvn_run ]]; then beside=" (beside the others)"; fi
        # a class with a failure or an error is marked failed in the stage table (status 1)
        local failed=0
        [[ $l == *"<<< FAIL"* || $l == *"<<< ERROR"* ]] && failed=1
        printf '%s\t%s\t%s\n' "integration tests: $cls$_mvn_run$beside" "${secs:-0}" "$failed" \
          >>"$VNET_LOGS/it-classes.tsv"
        local counts=${l#*Tests run: }
        counts=${counts%%, Time elapsed*}
        _out="maven:   $cls: tests run: $counts ($(human_secs "${secs:-0}"))"
      elif [[ $l == *FAIL* ]]; then
        _out=$l
      fi
      ;;
    "[INFO] Tests run: "* | "[WARNING] Tests run: "* | "[ERROR] Tests run: "*)
      if [ "$_mvn_phase" = unit ]; then
        _out="maven:   unit tests: ${l#*Tests run: }"
      elif [ "$_mvn_phase" = it ]; then
        _out="maven:   integration tests of $_mvn_module: ${l#*Tests run: }"
      fi
      ;;
    "[ERROR]"*) _out=$l ;;
    *"BUILD SUCCESS"* | *"BUILD FAILURE"* | "[INFO] Total time:"*) _out="maven: ${l#\[INFO\] }" ;;
    *)
      _npm_line "$l"
      [ -z "$_out" ] || _out="maven:   $_out"
      ;;
  esac
}

# follow KIND WHAT: reads a tool's output on stdin; prints what summary_KIND picks, and a
# "still ..." line whenever nothing was printed for PROGRESS_QUIET seconds.
follow() {
  local kind=$1 line buf= last now since wait rc doing
  _doing=$2
  doing=$_doing
  _now last
  since=$last
  while :; do
    _now now
    if (( now - last >= PROGRESS_QUIET )); then
      say "  ... still $_doing (for $(human_secs $((now - since))))"
      last=$now
    fi
    wait=$((last + PROGRESS_QUIET - now))
    (( wait < 1 )) && wait=1
    if IFS= read -r -t "$wait" line; then
      line=$buf$line
      buf=
    else
      rc=$?
      if (( rc > 128 )); then # timed out: keep what came of a line
        buf+=$line
        continue
      fi
      line=$buf$line
      [ -n "$line" ] || break
      buf=
      rc=eof
    fi
    line=${line//$'\e'[\[]*([0-9;])m/} # no colours
    _out=
    "summary_$kind" "$line"
    if [ "$_doing" != "$doing" ]; then
      doing=$_doing
      _now since
    fi
    if [ -n "$_out" ]; then
      stamped "$_out"
      _now last
    fi
    [ "${rc:-}" = eof ] && break
    rc=
  done
  if declare -F "summary_${kind}_end" >/dev/null; then
    _out=
    "summary_${kind}_end"
    [ -z "$_out" ] || stamped "$_out"
  fi
  return 0
}

# logged KIND LOG WHAT cmd...: runs cmd with its output whole in $VNET_LOGS/LOG.log and summarised
# on the terminal; returns cmd's status, and on failure prints where the log is and its last lines.
logged() {
  local kind=$1 log=$VNET_LOGS/$2.log what=$3 rcf rc
  shift 3
  rcf=$(mktemp)
  echo "=== $(date -u '+%F %T') UTC: $what: $*" >>"$log"
  { "$@" </dev/null && echo 0 >"$rcf" || echo $? >"$rcf"; } 2>&1 | tee -a "$log" | follow "$kind" "$what"
  rc=$(cat "$rcf")
  rm -f "$rcf"
  if [ "$rc" != 0 ]; then
    local c="$*"
    ((${#c} <= 160)) || c="${c:0:160}..."
    if [ "$kind" = maven ]; then # its errors were shown as they came
      echo "$PROGRESS_NAME: '$c' failed with status $rc (the whole output is in $log)" >&2
    else
      echo "$PROGRESS_NAME: '$c' failed with status $rc; its last lines (the whole output is in $log):" >&2
      tail -n 25 "$log" | sed 's/^/  | /' >&2
    fi
  fi
  return "$rc"
}

# apt_install PKG...: installs Debian packages (no recommends), output summarised; the package lists
# are updated once per command (VNET_APT_UPDATED is exported to the scripts it runs)
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  say "installing with apt-get: $*"
  if [ -z "${VNET_APT_UPDATED:-}" ]; then
    logged apt apt "updating the package lists" apt-get update
    export VNET_APT_UPDATED=1
  fi
  logged apt apt "installing $*" apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 "$@"
}

# ---- test reports ------------------------------------------------------------------------------

# junit_counts FILE...: "tests failures errors skipped" summed over JUnit reports (a surefire or
# failsafe report has one <testsuite>; Vitest's one <testsuites> around its files)
junit_counts() {
  local t=0 f=0 e=0 s=0 x line v k
  for x in "$@"; do
    line=$(grep -m1 -o '<testsuites\? [^>]*>' "$x") || continue
    for k in tests failures errors skipped; do
      v=$(sed -n "s/.* $k=\"\([0-9]*\)\".*/\1/p" <<<"$line"); v=${v:-0}
      case $k in tests) t=$((t + v)) ;; failures) f=$((f + v)) ;; errors) e=$((e + v)) ;; skipped) s=$((s + v)) ;; esac
    done
  done
  echo "$t $f $e $s"
}

# junit_failures FILE...: one line per failed or erroneous test case in JUnit reports,
# "class#method: first line of the message", so that the end of a run names what failed
junit_failures() {
  awk '
    /<testcase / {
      cls = ""; name = ""
      if (match($0, / classname="[^"]*"/)) cls = substr($0, RSTART + 12, RLENGTH - 13)
      if (match($0, / name="[^"]*"/)) name = substr($0, RSTART + 7, RLENGTH - 8)
    }
    /<(failure|error)[ >]/ {
      msg = ""
      if (match($0, / message="[^"]*"/)) msg = substr($0, RSTART + 10, RLENGTH - 11)
      if (length(msg) > 200) msg = substr(msg, 1, 200) "..."
      print "  " cls "#" name ": " msg
    }' "$@"
}
