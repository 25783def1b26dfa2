#!/bin/sh
# The guest agent: reads requests from the second serial port (a unix socket on the host)
# and answers there. Every line is a kind, a request id and base64 data, so nothing the
# line discipline might do to bytes matters:
#   P ID            ping; answered "@@PONG ID"
#   C ID DATA       a piece of the shell script to run
#   I ID DATA       a piece of its standard input
#   R ID            run it; answered "@@BEGIN ID", "@@O DATA"…, "@@E DATA"…, "@@END ID STATUS"
# Lines of any other shape (a half line left by a client that went away) are ignored.
dev=/dev/ttyS1
stty -F "$dev" raw -echo -onlcr || exit 1
exec <"$dev" >"$dev"
d=/run/agent
mkdir -p "$d"
while read -r kind id data; do
  case $id in *[!A-Za-z0-9]* | '') continue ;; esac
  case $kind in
    P) echo "@@PONG $id" ;;
    C) echo "$data" >>"$d/$id.cmd" ;;
    I) echo "$data" >>"$d/$id.in" ;;
    R)
      base64 -d <"$d/$id.cmd" >"$d/$id.sh" 2>/dev/null
      if [ -f "$d/$id.in" ]; then base64 -d <"$d/$id.in" >"$d/$id.stdin" 2>/dev/null; else : >"$d/$id.stdin"; fi
      sh "$d/$id.sh" <"$d/$id.stdin" >"$d/$id.out" 2>"$d/$id.err"
      status=$?
      echo "@@BEGIN $id"
      base64 <"$d/$id.out" | sed 's/^/@@O /'
      base64 <"$d/$id.err" | sed 's/^/@@E /'
      echo "@@END $id $status"
      rm -f "$d/$id".*
      ;;
  esac
done
