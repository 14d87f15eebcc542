#!/bin/sh
# Ask a question, answer it, accept the answer and find it with search, through the API only:
# curl and a personal access token (make one at /settings/tokens/ with "Read and write").
#
#   OUTLOUD_URL=https://intranet.example.com OUTLOUD_TOKEN=olt_... sh docs/api-walkthrough.sh
#
# Needs curl and python3 (to read one field of a JSON answer). Exits non-zero on any error,
# printing the problem details the API answered.
set -eu
URL="${OUTLOUD_URL:-http://127.0.0.1:8000}/api/v1"
AUTH="Authorization: Bearer ${OUTLOUD_TOKEN:?set OUTLOUD_TOKEN to a personal access token}"
WORD="walkthrough$(date +%s)"

call() {  # METHOD PATH [JSON]: the answer's body; stops on a 4xx/5xx (curl --fail-with-body)
    curl --silent --show-error --fail-with-body -X "$1" -H "$AUTH" \
        -H "Content-Type: application/json" ${3:+--data "$3"} "$URL$2"
}
field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

echo "1. Ask"
QUESTION=$(call POST /questions "{\"title\": \"How do we sign $WORD release builds?\", \"tags\": [\"release\"]}" | field '["id"]')
echo "   question $QUESTION"

echo "2. Answer"
ANSWER=$(call POST "/posts/$QUESTION/answers" '{"body": "With the hardware key in the build room."}' | field '["id"]')
echo "   answer $ANSWER"

echo "3. Accept (the asker may)"
call POST "/posts/$QUESTION/accept" "{\"answer_id\": $ANSWER}" | field '["accepted_answer_id"]'

echo "4. Search (indexing runs after commit: a few tries)"
for _ in 1 2 3 4 5 6 7 8 9 10; do
    FOUND=$(call GET "/search?q=$WORD" | python3 -c "import json, sys; r = json.load(sys.stdin)['items']; print(r[0]['post_id'] if r else '')")
    if [ "$FOUND" = "$QUESTION" ]; then
        call GET "/search?q=$WORD" | python3 -c "import json, sys; r = json.load(sys.stdin)['items'][0]; print('   found:', r['title'], '-', ', '.join(r['reasons']) or 'matches your words')"
        exit 0
    fi
    sleep 1
done
echo "   not found by search yet" >&2
exit 1
