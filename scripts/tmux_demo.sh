#!/usr/bin/env bash
# Drive the coding UI in a real terminal (tmux, 120x40) the way a coder would:
# build a project, open it as anna, code a few quotes with the keyboard, quit,
# reopen, and capture the screen each time so the codings can be seen to be
# there. Rerunnable: the project folder is rebuilt on every run.
#
#   scripts/tmux_demo.sh [PROJECT_DIR]       (default: /tmp/coder-tmux-demo)
#
# Captures (plain text of the screen) go to PROJECT_DIR/captures/ and are
# printed at the end; the script fails if a step does not show what it should.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-/tmp/coder-tmux-demo}"
SESSION="coder-demo-$$"
CAPTURES="$DIR/captures"
CODER="${CODER_BIN:-$REPO/.venv/bin/coder}"

cleanup() { tmux kill-session -t "$SESSION" 2>/dev/null || true; }
trap cleanup EXIT

# -- build the project ---------------------------------------------------------
rm -rf "$DIR"
"$CODER" init "$DIR" >/dev/null
"$CODER" -p "$DIR" import "$REPO"/transcripts/R01.txt "$REPO"/transcripts/R02.txt >/dev/null
"$CODER" -p "$DIR" codebook load "$REPO/codebooks/concept.yaml" >/dev/null
mkdir -p "$CAPTURES"

# -- helpers -------------------------------------------------------------------
open_ui() {
    tmux new-session -d -s "$SESSION" -x 120 -y 40 "$CODER -p '$DIR' tui --coder anna"
}

# Wait until the screen shows TEXT (up to 30 s).
wait_for() {
    local text="$1"
    for _ in $(seq 1 150); do
        if tmux capture-pane -p -t "$SESSION" | grep -qF -- "$text"; then return 0; fi
        sleep 0.2
    done
    echo "timed out waiting for: $text" >&2
    tmux capture-pane -p -t "$SESSION" >&2
    exit 1
}

keys() { tmux send-keys -t "$SESSION" "$@"; sleep 0.3; }
type_text() { tmux send-keys -t "$SESSION" -l "$1"; sleep 0.3; }
capture() { tmux capture-pane -p -t "$SESSION" > "$CAPTURES/$1.txt"; }

# -- first session: code a few quotes ------------------------------------------
open_ui
wait_for "2 transcripts"
capture 01-home
keys Enter                       # open R01
wait_for "R01 · Zwolle"
keys j                           # from "Hm, ja." to "Ik kom op huisbezoek, ..."
keys c
wait_for "Apply code"
type_text "wat is gen"
keys Enter                       # apply "Wat is generalistisch werken?"
wait_for "✓ saved"
keys J                           # extend over the next sentence
keys '}' '{' '{'                 # trim the end by a word
keys 1                           # apply the most recent code again (overlapping quote)
keys '*'                         # two codes here: asks which one
wait_for "Key quote: which code?"
keys Enter
wait_for "key quote"
keys g                           # next uncoded respondent sentence
keys n                           # a code of anna's own, applied to it
wait_for "New code"
type_text "Werkdruk"
keys Tab Tab
type_text "Druk door caseload en registratie."
keys C-s
wait_for "Werkdruk"
keys m                           # memo on that coding
wait_for "Memo on"
type_text "Terugkomen in de reconciliatie."
keys C-s
wait_for "memo on"
capture 02-coded
keys u                           # undo the memo ...
wait_for "undone"
keys C-y                         # ... and redo it
wait_for "redone"
capture 03-undo-redo
keys q                           # back home: progress shows
wait_for "done by you"
capture 04-home-after
keys C-q
sleep 1

# -- second session: everything is still there --------------------------------
open_ui
wait_for "2 transcripts"
keys Enter
wait_for "R01 · Zwolle"
capture 05-reopened
keys C-q
sleep 0.5

"$CODER" -p "$DIR" codings export --coder anna -o "$CAPTURES/anna.csv" >/dev/null

for f in "$CAPTURES"/*.txt; do
    echo "=== $(basename "$f")"
    cat "$f"
done
echo "=== anna.csv (from a fresh process)"
cat "$CAPTURES/anna.csv"

grep -q "Werkdruk" "$CAPTURES/05-reopened.txt" || { echo "FAIL: Werkdruk coding not shown after reopening" >&2; exit 1; }
grep -q "Wat is generalistisch" "$CAPTURES/05-reopened.txt" || { echo "FAIL: first coding not shown after reopening" >&2; exit 1; }
[ "$(grep -c '^R01,' "$CAPTURES/anna.csv")" -eq 3 ] || { echo "FAIL: expected 3 codings of anna" >&2; exit 1; }
echo "OK: 3 codings survived quitting and reopening"
