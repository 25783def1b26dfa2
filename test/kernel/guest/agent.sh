#!/bin/sh
# The guest agent: reads requests from the second serial port (a unix socket on the host)
# and answers there. Every line is a kind, a request id and base64 data, so nothing the
# line discipline might do to bytes matters:
#   P ID            ping; answered "@@PONG ID"
#   C ID LEN        a piece of the shell script to run: the next line, LEN base64 characters
#   I ID LEN        a piece of its standard input, the same way
#   R ID            run it; answered "@@BEGIN ID", "@@O DATA"…, "@@E DATA"…, "@@END ID STATUS"
# Lines of any other shape (a half line left by a client that went away) are ignored.
# The shell reads a line a byte at a time, slow under emulation: the data lines are read
# by dd, their length known, and given up after a minute if they do not all come (a
# client that went away mid-line). Each run is marked on the console, so a guest that
# stops answering shows there what it was doing.
dev=/dev/ttyS1
stty -F "$dev" raw -echo -onlcr || exit 1
exec <"$dev" >"$dev"
d=/run/agent
mkdir -p "$d"
while read -r kind id data; do
  case $id in *[!A-Za-z0-9]* | '') continue ;; esac
  case $kind in
    P) echo "@@PONG $id" ;;
    C | I)
      case $data in '' | *[!0-9]*) continue ;; esac
      f=$d/$id.in; [ "$kind" = C ] && f=$d/$id.cmd
      timeout 60 dd bs="$data" count=1 iflag=fullblock 2>/dev/null >>"$f"
      read -r _
      ;;
    R)
      base64 -d <"$d/$id.cmd" >"$d/$id.sh" 2>/dev/null
      if [ -f "$d/$id.in" ]; then base64 -d <"$d/$id.in" >"$d/$id.stdin" 2>/dev/null; else : >"$d/$id.stdin"; fi
      echo "@@agent: run $id ($(wc -c <"$d/$id.sh") bytes)" >/dev/console
      sh "$d/$id.sh" <"$d/$id.stdin" >"$d/$id.out" 2>"$d/$id.err"
      status=$?
      echo "@@agent: $id done, status $status" >/dev/console
      echo "@@BEGIN $id"
      base64 <"$d/$id.out" | sed 's/^/@@O /'
      base64 <"$d/$id.err" | sed 's/^/@@E /'
      echo "@@END $id $status"
      rm -f "$d/$id".*
      ;;
  esac
done
