#!/usr/bin/env bash
# Replays the sample payloads (Fixtures/inputs/*.json, or the files given) through
# `greentic-integration runner emit` against a running fixture server.
#   scripts/replay.sh [--server URL | --stack-dir DIR] [--message-flow FLOW] [--cli PATH] [FILE...]
# A channel message goes to --message-flow (default repo_assistant_chat); an event envelope goes
# to the flow whose events.source listens on its topic (found under Packs/); an event no flow
# consumes is reported and skipped. The tenant comes from the envelope. Each result is printed on
# stdout; the exit status is 1 when any replay failed.
set -euo pipefail
cd "$(dirname "$0")/.."

server="http://127.0.0.1:8080"
message_flow="repo_assistant_chat"
cli="${GREENTIC_INTEGRATION:-}"
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --server) server="${2:?--server needs a URL}"; shift 2 ;;
    --stack-dir)
      # `greentic-integration stack up --dir DIR` writes the endpoints to DIR/stack/artifacts/stack.json.
      info="${2:?--stack-dir needs a folder}/stack/artifacts/stack.json"
      [ -f "$info" ] || { echo "replay.sh: no $info (is 'stack up --dir ${2}' running?)" >&2; exit 2; }
      server=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fixture_server_url"])' "$info")
      shift 2 ;;
    --message-flow) message_flow="${2:?--message-flow needs a flow id}"; shift 2 ;;
    --cli) cli="${2:?--cli needs a path}"; shift 2 ;;
    -*) echo "replay.sh: unknown option '$1'" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
[ ${#files[@]} -gt 0 ] || files=(Fixtures/inputs/*.json)
if [ -z "$cli" ]; then
  swift build --product greentic-integration >&2
  cli=".build/debug/greentic-integration"
fi

failed=0
replayed=0
for file in "${files[@]}"; do
  [ -f "$file" ] || { echo "replay.sh: no such file $file" >&2; failed=1; continue; }
  read -r topic tenant < <(python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
t = e.get("tenant") or {}
print(e.get("topic") or "-", (t.get("tenant") or t.get("tenant_id") or "dev") if isinstance(t, dict) else "dev")' "$file")
  if [ "$topic" = "-" ]; then
    flow="$message_flow"
  else
    # The flow whose events.source node listens on the topic (not one that publishes it).
    flow=$(python3 - "$topic" Packs/*/flows/*.ygtc <<'PY'
import re, sys
topic = sys.argv[1]
for path in sys.argv[2:]:
    flow_id, in_source = None, False
    for line in open(path):
        m = re.match(r"^id:\s*(\S+)", line)
        if m: flow_id = m.group(1)
        if re.match(r"^\s+events\.source:\s*$", line): in_source = True; continue
        if re.match(r"^\s{0,4}\S", line) and not line.strip().startswith("topic:"):
            in_source = in_source and line.startswith("      ")
        m = re.match(r'^\s+topic:\s*"?([^"\s]+)"?\s*$', line)
        if in_source and m and m.group(1) == topic and flow_id:
            print(flow_id); sys.exit(0)
PY
)
    if [ -z "$flow" ]; then
      echo "replay.sh: skipped $file: no flow under Packs/ consumes topic $topic" >&2
      continue
    fi
  fi
  if out=$("$cli" runner emit --server "$server" --flow "$flow" --tenant "$tenant" --payload "$(cat "$file")"); then
    echo "$(basename "$file") -> $flow: $out"
    replayed=$((replayed + 1))
  else
    echo "replay.sh: $file -> $flow failed" >&2
    failed=1
  fi
done
echo "replay.sh: replayed $replayed file(s) against $server" >&2
exit $failed
