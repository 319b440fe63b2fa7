#!/usr/bin/env bash
# The main job: start sizerd and a sizer-agent, size the SKY130 two-stage op-amp against a target
# from its held-out test split, follow it live, print the best sizing and the SQL to look at its
# history, then stop both cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release}
optimizer=${SIZER_DEMO_OPTIMIZER:-tlgrpo}
budget=${SIZER_DEMO_BUDGET:-50}
target=${SIZER_DEMO_TARGET:-3}
mkdir -p var
socket=var/demo.sock
db=var/sizer.sqlite

daemon_pid=""
agent_pid=""
cleanup() {
    [ -n "$agent_pid" ] && kill -TERM "$agent_pid" 2>/dev/null || true
    [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

echo "== starting sizerd (log: var/sizerd.log) and sizer-agent (log: var/agent.log)"
"$bin/sizerd" --socket "$socket" --db "$db" 2>var/sizerd.log &
daemon_pid=$!
for _ in $(seq 1 200); do
    "$bin/sizer" jobs --socket "$socket" --limit 1 >/dev/null 2>&1 && break
    kill -0 "$daemon_pid" 2>/dev/null || { cat var/sizerd.log; exit 1; }
    sleep 0.05
done
"$bin/sizer-agent" serve --socket "$socket" 2>var/agent.log &
agent_pid=$!

echo "== sizer submit --circuit two_stage --optimizer $optimizer --budget $budget --test-target $target"
job=$("$bin/sizer" submit --socket "$socket" --circuit two_stage --optimizer "$optimizer" --budget "$budget" \
      --group 8 --seed 1 --test-target "$target" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo
echo "== sizer watch $job"
"$bin/sizer" watch --socket "$socket" "$job"
echo
echo "== sizer history $job"
"$bin/sizer" history --socket "$socket" "$job"

echo
echo "== stopping sizer-agent and sizerd (SIGTERM)"
kill -TERM "$agent_pid"; wait "$agent_pid"; agent_status=$?; agent_pid=""
kill -TERM "$daemon_pid"; wait "$daemon_pid"; daemon_status=$?; daemon_pid=""
echo "sizer-agent exited $agent_status, sizerd exited $daemon_status"

cat <<SQL

== the run log is $db; try:
sqlite3 -header -column $db "SELECT * FROM job_summary WHERE job_id = $job"
sqlite3 -header -column $db "SELECT simulation, turn, round(reward, 4) AS reward, round(best_reward, 4) AS best, met_so_far FROM job_convergence WHERE job_id = $job"
sqlite3 -header -column $db "SELECT turn, position, outcome, round(reward, 4) AS reward, json_extract(metrics_json, '\$.gain_db') AS gain_db FROM candidates WHERE job_id = $job ORDER BY reward DESC LIMIT 5"
SQL
