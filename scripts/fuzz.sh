#!/usr/bin/env bash
# Fuzzes the parsers with Jazzer: every fuzz test (a class *FuzzTest with one @FuzzTest method under
# bundles/ or plugin/), or the ones named, each in a JVM of its own (libFuzzer runs one target per
# process), with Netty's leak detector at PARANOID (a leak fails the target), -Xmx1g and libFuzzer's
# -rss_limit_mb (unbounded allocation), -timeout (a hang) and -max_len.
#
#   scripts/fuzz.sh [--runs N] [--no-build] [TARGET...]
#       fuzzes each target until it has N executions in all (default 1,000,000), in sessions of at
#       most --session seconds (default 300). Resumable: each target's corpus is kept in the
#       repository, where Maven's regression run replays it
#       (MODULE/src/test/resources/PACKAGE/<Class>Inputs/<method>/), and minimised (libFuzzer's merge)
#       once the target has fuzzed; the executions so far are in fuzz/executions.tsv, added to after
#       every session. A second run goes on from there.
#   scripts/fuzz.sh --short [--seconds S] [TARGET...]
#       CI: each target fuzzes for S seconds (default 4) from its committed corpus without changing
#       it, two at a time; JaCoCo records the run and the line coverage of each of our classes that
#       the target executed is printed.
#
# TARGET is a class's simple name without "FuzzTest" (Json, RecordDecoder, ...); --list lists them.
# A finding (crash, exception, leak, timeout, out of memory) fails the target: its input is kept in
# fuzz/findings/TARGET/ (never in the corpus) and the log in target/logs/fuzz-TARGET.log. Ends with a
# table: target, executions, corpus size, findings. Builds what it needs unless --no-build.
set -euo pipefail
cd "$(dirname "$0")/.."
PROGRESS_NAME=fuzz
. scripts/lib/progress.sh

RUNS=1000000
SESSION=300
SHORT=
SECONDS_EACH=4
BUILD=1
LIST=
TARGETS=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --session) SESSION=$2; shift 2 ;;
    --short) SHORT=1; shift ;;
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    --no-build) BUILD=; shift ;;
    --list) LIST=1; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done

TOTALS=fuzz/executions.tsv
FINDINGS=fuzz/findings
WORK=target/fuzz
mkdir -p fuzz "$FINDINGS" "$WORK"
[ -f "$TOTALS" ] || printf 'target\texecutions\tseconds\n' >"$TOTALS"

# The JVM of every target: the leak detector and Jazzer settings of Maven's fuzz-regression run
# (the parent pom's fuzz.argLine), coverage feedback from all of our classes.
FUZZ_JVM=(-Xmx1g -Dio.netty.leakDetection.level=paranoid -Dio.netty.customResourceLeakDetector=io.vnet.fuzz.LeakRecorder
  -Djazzer.disabled_hooks=com.code_intelligence.jazzer.sanitizers.FilePathTraversal -XX:+UseSerialGC)
LIBFUZZER=(-timeout=10 -rss_limit_mb=2560 -max_len=8192 -print_final_stats=1 -print_pcs=0)
# a run of a few seconds spends more on the JIT's optimising compiler than it gains from it
[ -z "$SHORT" ] || FUZZ_JVM+=(-XX:TieredStopAtLevel=1)

# ---- the targets ----------------------------------------------------------------------------------

# "NAME MODULE CLASS METHOD" for every fuzz test in the tree
discover() {
  local f module cls method
  while IFS= read -r f; do
    module=${f%%/src/test/java/*}
    cls=${f#*/src/test/java/}
    cls=${cls%.java}
    cls=${cls//\//.}
    method=$(grep -A12 '@FuzzTest' "$f" | sed -n 's/^ *\(public \)\?void \([A-Za-z0-9_]*\)(.*/\2/p' | head -1)
    [ -n "$method" ] || continue
    printf '%s %s %s %s\n' "$(basename "$f" FuzzTest.java)" "$module" "$cls" "$method"
  done < <(find bundles plugin -path '*/src/test/java/*' -name '*FuzzTest.java' | sort)
}
mapfile -t ALL < <(discover)
if [ -n "$LIST" ]; then
  printf '%s\n' "${ALL[@]}" | awk '{printf "%-18s %-28s %s#%s\n", $1, $2, $3, $4}'
  exit 0
fi
SELECTED=()
if [ ${#TARGETS[@]} -eq 0 ]; then
  SELECTED=("${ALL[@]}")
else
  for t in "${TARGETS[@]}"; do
    line=$(printf '%s\n' "${ALL[@]}" | awk -v t="$t" '$1 == t') || true
    if [ -z "$line" ]; then echo "fuzz.sh: no fuzz test '$t' (see --list)" >&2; exit 2; fi
    SELECTED+=("$line")
  done
fi
MODULES=$(printf '%s\n' "${SELECTED[@]}" | awk '{print $2}' | sort -u | paste -sd, -)

# ---- building -------------------------------------------------------------------------------------

if [ -n "$BUILD" ]; then
  say "building the fuzz tests' modules and what they need ($MODULES; whole output in $VNET_LOGS/maven-fuzz.log)"
  logged maven maven-fuzz "building" mvn -B -ntp -DskipTests install -pl "$MODULES" -am
fi
for m in ${MODULES//,/ }; do
  if [ ! -f "$m/target/fuzz-classpath.txt" ] || [ ! -d "$m/target/test-classes" ]; then
    echo "fuzz.sh: $m is not built (no target/fuzz-classpath.txt): run without --no-build" >&2
    exit 2
  fi
done

# A copy of each module's class path as it is now (our classes and jars; Maven's repository stays
# where it is), so that a build during a long run (another shell's mvn in this tree) can neither
# change the classes under a running fuzzer nor the coverage report's view of them.
snapshot() { # MODULE -> prints the copied class path
  local m=$1 dir=$WORK/classpath/${1//\//_} entry out=() i=0
  rm -rf "$dir"
  mkdir -p "$dir"
  for entry in "$m/target/test-classes" "$m/target/classes" $(tr ':' ' ' <"$m/target/fuzz-classpath.txt"); do
    case $entry in
      "$PWD"/* | [!/]*)
        i=$((i + 1))
        cp -r "$entry" "$dir/$i-$(basename "$entry")"
        out+=("$PWD/$dir/$i-$(basename "$entry")")
        ;;
      *) out+=("$entry") ;;
    esac
  done
  (IFS=:; echo "${out[*]}") >"$dir.txt"
}
for m in ${MODULES//,/ }; do
  snapshot "$m"
done

# ---- running one target ---------------------------------------------------------------------------

# libFuzzer's status lines ("#1234 pulse cov: ... exec/s: 5678") at most every 5 s, findings at once
_fz_name=
summary_jazzer() {
  local l=$1
  case $l in
    "#"*" cov: "*) _throttled "  $_fz_name: ${l%% rss:*}" ;;
    *"== Java Exception:"* | *"FuzzerSecurityIssue"* | *"ERROR: libFuzzer"* | *"leak(s) reported"* \
      | *"Test unit written to"* | "Exception in thread"*) _out="  $_fz_name: $l" ;;
  esac
  _doing="fuzzing $_fz_name"
}

# total NAME -> executions so far
total() { awk -v t="$1" '$1 == t {print $2; f=1} END {if (!f) print 0}' "$TOTALS"; }

# add NAME EXECUTIONS SECONDS: adds to the running totals
add() {
  local tmp
  tmp=$(mktemp)
  awk -v t="$1" -v n="$2" -v s="$3" 'BEGIN {OFS="\t"} NR > 1 && $1 == t {$2 += n; $3 += s; f=1} {print}
    END {if (!f) print t, n, s}' "$TOTALS" >"$tmp"
  mv "$tmp" "$TOTALS"
}

corpus_dir() { # MODULE CLASS METHOD -> the committed corpus directory
  local pkg=${2%.*} cls=${2##*.}
  printf '%s/src/test/resources/%s/%sInputs/%s' "$1" "${pkg//.//}" "$cls" "$3"
}

# coverage NAME MODULE EXEC: "NAME<TAB>class<TAB>covered/lines (percent)" for each of our main classes
# that the run executed, from JaCoCo's record of it
JACOCO=$PWD/fuzz-support/target/jacoco
coverage() {
  local dir=$WORK/classpath/${2//\//_} classes=() f
  for f in "$dir"/*; do
    case $f in
      *-test-classes | *fuzz-support*) ;;
      *-classes | *.jar) classes+=(--classfiles "$f") ;; # only our modules' were copied
    esac
  done
  java -jar "$JACOCO/org.jacoco.cli-nodeps.jar" report "$3" "${classes[@]}" --csv "$3.csv" >/dev/null
  awk -F, -v t="$1" 'NR > 1 && $9 > 0 {printf "%s\t%s.%s\t%d/%d (%.1f%%)\n", t, $2, $3, $9, $8 + $9, 100 * $9 / ($8 + $9)}' \
    "$3.csv" | sed 's/\tio\.vnet\./\t/' | sort -t$'\t' -k2,2
}

# jazzer NAME MODULE CLASS METHOD LOG ARGS...: runs one fuzzing JVM in the module's directory
jazzer() {
  local name=$1 module=$2 cls=$3 method=$4 log=$5 cp
  shift 5
  _fz_name=$name
  cp=$(cat "$WORK/classpath/${module//\//_}.txt")
  ( cd "$module" && logged jazzer "$log" "fuzzing $name" nice -n "${FUZZ_NICE:-19}" java ${FUZZ_AGENT:-} "${FUZZ_JVM[@]}" \
      -cp "$cp" com.code_intelligence.jazzer.Jazzer \
      --target_class="$cls" --target_method="$method" --instrument='io.vnet.**' "$@" )
}

# last_stat LOG KEY: a libFuzzer final statistic of the last run in a log
last_stat() {
  awk -v k="stat::$2:" '/^=== / {v = 0} $1 == k {v = $2} END {print v + 0}' "$VNET_LOGS/$1.log"
}

# what libFuzzer and Jazzer write for a finding: a crash (an exception, a failed check, a leak), a
# timeout, running out of memory; its "slow-unit" files only say an input once took long (on a busy
# machine, a niced fuzzer's input may wait seconds for a CPU), so they are reported, not failed on
findings_of() { find "$FINDINGS/$1" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) 2>/dev/null | wc -l; }

# fuzz_one "NAME MODULE CLASS METHOD": fuzzes one target; leaves its line of the final table in
# $WORK/NAME.result and, with --short, the coverage lines in $WORK/NAME.coverage
fuzz_one() {
  local name module cls method corpus abs_corpus abs_findings rc=0 runs=0 scratch cov done_runs left t0 t1 merged
  read -r name module cls method <<<"$1"
  corpus=$(corpus_dir "$module" "$cls" "$method")
  mkdir -p "$corpus" "$FINDINGS/$name"
  abs_corpus=$PWD/$corpus
  abs_findings=$PWD/$FINDINGS/$name/
  rm -f "$WORK/$name.coverage"
  if [ -n "$SHORT" ]; then
    scratch=$PWD/$WORK/$name-corpus
    rm -rf "$scratch"
    mkdir -p "$scratch"
    cov=$PWD/$WORK/$name.exec
    rm -f "$cov"
    say "$name: fuzzing ${SECONDS_EACH} s from its corpus of $(ls "$corpus" | wc -l) input(s) ($cls#$method)"
    FUZZ_AGENT="-javaagent:$JACOCO/org.jacoco.agent-runtime.jar=destfile=$cov,includes=io.vnet.*,excludes=io.vnet.fuzz.*" \
      jazzer "$name" "$module" "$cls" "$method" "fuzz-$name" "$scratch" "$abs_corpus" \
      -max_total_time="$SECONDS_EACH" -artifact_prefix="$abs_findings" "${LIBFUZZER[@]}" || rc=$?
    runs=$(last_stat "fuzz-$name" number_of_executed_units)
    if [ -f "$cov" ]; then
      coverage "$name" "$module" "$cov" >"$WORK/$name.coverage" || true
    fi
  else
    done_runs=$(total "$name")
    local fuzzed=
    while [ "$done_runs" -lt "$RUNS" ] && [ "$rc" -eq 0 ]; do
      fuzzed=1
      left=$((RUNS - done_runs))
      say "$name: $done_runs of $RUNS executions so far; fuzzing up to $left more (a session of at most ${SESSION} s)"
      _now t0
      jazzer "$name" "$module" "$cls" "$method" "fuzz-$name" "$abs_corpus" -runs="$left" -max_total_time="$SESSION" \
        -artifact_prefix="$abs_findings" "${LIBFUZZER[@]}" || rc=$?
      _now t1
      runs=$(last_stat "fuzz-$name" number_of_executed_units)
      add "$name" "$runs" $((t1 - t0))
      done_runs=$(total "$name")
      say "$name: $done_runs executions in all ($runs in this session, $(last_stat "fuzz-$name" average_exec_per_sec)/s)"
    done
    if [ -n "$fuzzed" ] && [ "$rc" -eq 0 ] && [ "$(ls "$corpus" | wc -l)" -gt 0 ]; then
      # keep only the inputs that add coverage (libFuzzer's merge), so the corpus stays small
      merged=$PWD/$WORK/$name-merged
      rm -rf "$merged"
      mkdir -p "$merged"
      say "$name: minimising its corpus of $(ls "$corpus" | wc -l) input(s)"
      if jazzer "$name" "$module" "$cls" "$method" "fuzz-$name-merge" -merge=1 "$merged" "$abs_corpus" \
          "${LIBFUZZER[@]}" && [ "$(ls "$merged" | wc -l)" -gt 0 ]; then
        rm -f "$corpus"/*
        cp "$merged"/* "$corpus"/
      else
        say "$name: minimising failed; the corpus stays as it is"
      fi
    fi
    runs=$(total "$name")
  fi
  local n_findings
  n_findings=$(findings_of "$name")
  if [ "$rc" -ne 0 ] || [ "$n_findings" -gt 0 ]; then
    say "$name: FAILED (status $rc, $n_findings finding(s) in $FINDINGS/$name; log $VNET_LOGS/fuzz-$name.log)"
  elif [ -n "$(find "$FINDINGS/$name" -name 'slow-unit-*' 2>/dev/null)" ]; then
    say "$name: an input once took long (libFuzzer's slow-unit files in $FINDINGS/$name; replay them to see)"
  fi
  printf '%s\t%s\t%s\t%s KB\t%s\t%s\n' "$name" "$runs" "$(ls "$corpus" | wc -l)" \
    "$(( ($(cat "$corpus"/* 2>/dev/null | wc -c) + 1023) / 1024 ))" \
    "$n_findings" "$rc" >"$WORK/$name.result"
}

# with --short two targets at a time (each is one JVM, mostly starting up); fuzzing for long, one
JOBS=${FUZZ_JOBS:-$([ -n "$SHORT" ] && echo 2 || echo 1)}
for entry in "${SELECTED[@]}"; do
  rm -f "$WORK/${entry%% *}.result"
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
    wait -n || true
  done
  fuzz_one "$entry" &
done
wait || true

failed=()
results=()
coverage_lines=()
for entry in "${SELECTED[@]}"; do
  name=${entry%% *}
  if [ ! -f "$WORK/$name.result" ]; then
    results+=("$(printf '%s\t?\t?\t?\t?\t1' "$name")")
    failed+=("$name")
    continue
  fi
  r=$(cat "$WORK/$name.result")
  results+=("$r")
  IFS=$'\t' read -r _ _ _ _ n_findings rc <<<"$r"
  if [ "$rc" -ne 0 ] || [ "$n_findings" -gt 0 ]; then failed+=("$name"); fi
  [ -s "$WORK/$name.coverage" ] && coverage_lines+=("$(cat "$WORK/$name.coverage")")
done

if [ ${#coverage_lines[@]} -gt 0 ]; then
  echo
  echo "Line coverage (JaCoCo) of our classes that each target executed in this run:"
  printf '  %-18s %-44s %s\n' target class "lines covered"
  printf '%s\n' "${coverage_lines[@]}" | awk -F'\t' 'NF == 3 {printf "  %-18s %-44s %s\n", $1, $2, $3}'
fi
echo
echo "Fuzz targets ($([ -n "$SHORT" ] && echo "this run, ${SECONDS_EACH} s each" || echo "executions in all, goal $RUNS")):"
printf '  %-18s %12s %8s %10s %9s\n' target executions inputs "corpus" findings
for r in "${results[@]}"; do
  IFS=$'\t' read -r a b c d e _ <<<"$r"
  printf '  %-18s %12s %8s %10s %9s\n' "$a" "$b" "$c" "$d" "$e"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings or failures in ${failed[*]}: the inputs are in $FINDINGS/, the logs in $VNET_LOGS/fuzz-*.log" >&2
  exit 1
fi
echo "fuzz: ${#results[@]} passed, 0 failed"
